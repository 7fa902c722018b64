/**
 * Concept: copy-up. A container's first change to an image file copies it into the container's upper dir;
 * the image's layer below is never touched, and neither is the host.
 */
import type {JSONSchemaType} from 'ajv';
import {judgeCopyUp, octal} from './copy-up.js';
import {fail, grader, mode, pass, text} from './types.js';

const concept = 'Changing a file in a container copies it up into the container\'s own layer (upperdir); the image layers stay read-only.';

/** The image (by ID), a file in it, and the file's mode as the image has it (493 = 0755). */
interface FileOfImage {
  imageId: string;
  path: string;
  mode: number;
}
const fileOfImage: JSONSchemaType<FileOfImage> = {
  type: 'object', additionalProperties: false, required: ['imageId', 'path', 'mode'],
  properties: {imageId: text, path: text, mode},
};

/** …whether the change is made in a shell inside the container (docker run -it), and whether audit records tell who made it. */
interface CopyUpParams extends FileOfImage {
  interactive?: boolean | null;
  audited?: boolean | null;
}
const copyUpParams: JSONSchemaType<CopyUpParams> = {
  type: 'object', additionalProperties: false, required: ['imageId', 'path', 'mode'],
  properties: {imageId: text, path: text, mode, interactive: {type: 'boolean', nullable: true}, audited: {type: 'boolean', nullable: true}},
};

/** A container of the image copied the file up and, from inside, gave it back its mode (the content and mtime kept). */
export const copyUpRestored = grader<CopyUpParams>(copyUpParams, (snapshot, params) => {
  const {path, mode} = params;
  const how = (params.interactive ? ' in a shell inside docker run -it' : ' from inside the container') + (params.audited ? ' (as the kernel\'s audit recorded the call)' : '');
  const expected = `${path} copied up into a container's upper dir, with its content and modification time kept and its mode restored to ${octal(mode)}${how}`;
  const j = judgeCopyUp(snapshot, params);
  if (!j.ok) return fail(j.reason, expected, concept, j.evidence);
  const c = j.container!;
  return pass(`container ${c.id.slice(0, 12)}: ${path} copied up, mode ${octal(c.files[path].upper.mode)}, content and mtime as the image's`, expected, concept, j.evidence);
});

/** The image's own copy of the file (in its layer dir) still has its mode. */
export const imageLayerUntouched = grader<FileOfImage>(fileOfImage, (snapshot, params) => {
  const path = params.path;
  const image = snapshot.engine.images.find((i) => i.id === params.imageId);
  const expected = `${path} in the image's layer still ${octal(params.mode)}`;
  if (!image) return fail('the debian image is not in the store', expected, concept);
  const f = image.files[path];
  if (!f?.exists || f.mode !== params.mode) return fail(`the image layer's ${path} is ${f?.exists ? `mode ${octal(f.mode)}` : 'missing'}: the image itself was changed`, expected, concept, {imageId: image.id});
  return pass(`the image layer's ${path} is unchanged (${octal(f.mode)})`, expected, concept, {imageId: image.id, sha256: f.sha256});
});
