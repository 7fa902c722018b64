/** Concept: images are stacks of layers; `FROM scratch` starts from nothing; an image ID names exact content. */
import type {ImageSnapshot} from './snapshot.js';
import {describeLinkage, hasLinkage} from './elf.js';
import {fail, grader, linkage, optionalText, pass, text, texts, type Linkage} from './types.js';

const concept = 'An image is a read-only stack of layers plus a config (entrypoint, env); FROM scratch adds nothing but your files.';

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
const sameArgs = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** An image FROM scratch (one layer) with the program at path, linked so, as its entrypoint; carrying tag now if given. */
export const scratchImageWithFile = grader<{path: string; linkage: Linkage; entrypoint: string[]; tag?: string}>({
  type: 'object', additionalProperties: false, required: ['path', 'linkage', 'entrypoint'],
  properties: {path: text, linkage, entrypoint: texts, tag: optionalText},
}, (snapshot, params) => {
  const {path, tag} = params;
  const expected = `an image FROM scratch (one layer) with ${path} ${params.linkage}ally linked and ENTRYPOINT ${JSON.stringify(params.entrypoint)}${tag ? `, tagged ${tag}` : ''}`;
  const candidates = snapshot.engine.images.filter((i) => (!tag || i.tags.includes(tag)) && i.files[path]?.exists);
  const good = candidates.find((i) => i.layerDirs.length === 1 && hasLinkage(i.files[path], params.linkage) && sameArgs(i.config.Entrypoint, params.entrypoint));
  if (good) return pass(`image ${short(good.id)} (${good.tags.join(', ') || 'untagged'}): ${describeLinkage(good.files[path])}`, expected, concept, {imageId: good.id, layers: good.layerDirs});
  if (candidates.length === 0) return fail(tag ? `no image tagged ${tag} contains ${path}` : `no image contains ${path}`, expected, concept);
  const i = candidates[0];
  const why = i.layerDirs.length !== 1 ? `it has ${i.layerDirs.length} layers (not FROM scratch)`
    : !hasLinkage(i.files[path], params.linkage) ? describeLinkage(i.files[path])
    : `its ENTRYPOINT is ${JSON.stringify(i.config.Entrypoint ?? null)}`;
  return fail(`image ${short(i.id)} (${i.tags.join(', ') || 'untagged'}): ${why}`, expected, concept, {imageId: i.id});
});

/** The exact image (by ID) is in the store, and carries tag if given. */
export const imagePresent = grader<{imageId: string; tag?: string}>({
  type: 'object', additionalProperties: false, required: ['imageId'],
  properties: {imageId: text, tag: optionalText},
}, (snapshot, params) => {
  const id = params.imageId;
  const expected = `the image ${short(id)} in the engine's store, tagged ${params.tag ?? ''}`.trim();
  const image = snapshot.engine.images.find((i) => i.id === id);
  if (!image) {
    const names = snapshot.engine.images.flatMap((i) => i.tags).join(', ') || 'none';
    return fail(`no image with ID ${short(id)} (images present: ${names})`, expected, 'docker load puts an archive\'s layers and config into the store; the ID is the config\'s sha256, so the same archive gives the same ID.');
  }
  if (params.tag && !image.tags.includes(params.tag)) {
    return fail(`image ${short(id)} is there but tagged ${image.tags.join(', ') || 'nothing'}`, expected, 'a tag is only a name for an image ID');
  }
  return pass(`image ${short(id)} loaded (${image.tags.join(', ')})`, expected, 'docker load restores layers and tags from an archive', {imageId: id});
});

/** A built image's bottom layers are its base image's layers (the same dirs in the store). */
function builtOn(image: ImageSnapshot, base: ImageSnapshot | undefined): boolean {
  return Boolean(base && base.id !== image.id && base.layerDirs.length < image.layerDirs.length && base.layerDirs.every((d, i) => image.layerDirs[i] === d));
}

/** An image built on baseImageId in which dpkg installed the package: its file is there and dpkg's statusFile lists it. */
export const imageWithPackage = grader<{baseImageId: string; file: string; package: string; statusFile?: string}>({
  type: 'object', additionalProperties: false, required: ['baseImageId', 'file', 'package'],
  properties: {baseImageId: text, file: text, package: text, statusFile: optionalText},
}, (snapshot, params) => {
  const file = params.file;
  const statusFile = params.statusFile ?? '/var/lib/dpkg/status';
  const marker = `Package: ${params.package}`;
  const expected = `an image built FROM the debian image with the ${params.package} package installed by dpkg (${file} present, ${statusFile} lists it)`;
  const built = snapshot.engine.images.filter((i) => i.files[file]?.exists);
  const base = snapshot.engine.images.find((i) => i.id === params.baseImageId);
  const good = built.find((i) => i.files[statusFile]?.contains?.[marker] && builtOn(i, base));
  if (good) return pass(`image ${short(good.id)} (${good.tags.join(', ') || 'untagged'}) has ${file} and dpkg knows ${params.package}`, expected, 'RUN adds a layer on top of the base image; dpkg records what it installed', {imageId: good.id});
  if (built.length === 0) return fail(`no image contains ${file}`, expected, 'each RUN/COPY makes a layer; installing the package must happen in the Dockerfile');
  const i = built[0];
  const why = !i.files[statusFile]?.contains?.[marker] ? `${file} is there but dpkg has no record of ${params.package} (copied, not installed?)` : 'it is not built on the debian image';
  return fail(`image ${short(i.id)}: ${why}`, expected, 'a package installed with dpkg -i is recorded in /var/lib/dpkg/status', {imageId: i.id});
});
