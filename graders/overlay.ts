/**
 * Concept: copy-up. A container's first change to an image file copies it into the container's upper dir;
 * the image's layer below is never touched, and neither is the host.
 */
import type {JSONSchemaType} from 'ajv';
import {containerWithChange} from './containers.js';
import {fail, grader, mode, pass, text} from './types.js';

const concept = 'Changing a file in a container copies it up into the container\'s own layer (upperdir); the image layers stay read-only.';
const octal = (m?: number) => (m === undefined ? '?' : m.toString(8).padStart(4, '0'));

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

/** A container of the image copied the file up and, from inside, gave it back its mode. */
export const copyUpRestored = grader<FileOfImage>(fileOfImage, (snapshot, params) => {
  const {path, mode} = params;
  const expected = `${path} copied up into a debian container's upper dir, with its mode restored to ${octal(mode)} from inside the container`;
  const c = containerWithChange(snapshot, params.imageId, path);
  if (!c) {
    const any = snapshot.engine.containers.find((x) => x.image === params.imageId);
    return fail(any ? `container ${any.id.slice(0, 12)} never changed ${path} (no copy in its upper dir)` : 'no container was made from the debian image', expected, concept);
  }
  const {upper, lower} = c.files[path];
  const evidence = {containerId: c.id, upperDir: c.upperDir, upperMode: octal(upper.mode), lowerMode: octal(lower.mode), upperSha: upper.sha256, lowerSha: lower.sha256};
  if (upper.whiteout) return fail(`${path} was deleted in container ${c.id.slice(0, 12)}`, expected, concept, evidence);
  if (upper.sha256 !== lower.sha256) return fail(`the copy of ${path} in the container differs from the image's (${upper.size} vs ${lower.size} bytes)`, expected, concept, evidence);
  if ((upper.mode ?? 0) !== mode) return fail(`container ${c.id.slice(0, 12)}: ${path} has mode ${octal(upper.mode)} in its upper dir`, expected, concept, evidence);
  return pass(`container ${c.id.slice(0, 12)}: ${path} copied up, mode ${octal(upper.mode)}`, expected, concept, evidence);
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
