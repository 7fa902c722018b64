/** Concept: images are stacks of layers; `FROM scratch` starts from nothing; an image ID names exact content. */
import type {ImageSnapshot} from './snapshot.js';
import {describeLinkage, hasLinkage} from './elf.js';
import {fail, pass, type Grader} from './types.js';

const concept = 'An image is a read-only stack of layers plus a config (entrypoint, env); FROM scratch adds nothing but your files.';

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
const sameArgs = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** params: path, linkage, entrypoint (array), tag (optional: the image must carry it now). */
export const scratchImageWithFile: Grader = (snapshot, params) => {
  const path = String(params.path);
  const linkage = params.linkage as 'static' | 'dynamic';
  const tag = params.tag ? String(params.tag) : undefined;
  const expected = `an image FROM scratch (one layer) with ${path} ${linkage}ally linked and ENTRYPOINT ${JSON.stringify(params.entrypoint)}${tag ? `, tagged ${tag}` : ''}`;
  const candidates = snapshot.engine.images.filter((i) => (!tag || i.tags.includes(tag)) && i.files[path]?.exists);
  const good = candidates.find((i) => i.layerDirs.length === 1 && hasLinkage(i.files[path], linkage) && sameArgs(i.config.Entrypoint, params.entrypoint));
  if (good) return pass(`image ${short(good.id)} (${good.tags.join(', ') || 'untagged'}): ${describeLinkage(good.files[path])}`, expected, concept, {imageId: good.id, layers: good.layerDirs});
  if (candidates.length === 0) return fail(tag ? `no image tagged ${tag} contains ${path}` : `no image contains ${path}`, expected, concept);
  const i = candidates[0];
  const why = i.layerDirs.length !== 1 ? `it has ${i.layerDirs.length} layers (not FROM scratch)`
    : !hasLinkage(i.files[path], linkage) ? describeLinkage(i.files[path])
    : `its ENTRYPOINT is ${JSON.stringify(i.config.Entrypoint ?? null)}`;
  return fail(`image ${short(i.id)} (${i.tags.join(', ') || 'untagged'}): ${why}`, expected, concept, {imageId: i.id});
};

/** params: imageId — the exact image (by ID) must be in the store and tagged. */
export const imagePresent: Grader = (snapshot, params) => {
  const id = String(params.imageId);
  const expected = `the image ${short(id)} in the engine's store, tagged ${params.tag ?? ''}`.trim();
  const image = snapshot.engine.images.find((i) => i.id === id);
  if (!image) {
    const names = snapshot.engine.images.flatMap((i) => i.tags).join(', ') || 'none';
    return fail(`no image with ID ${short(id)} (images present: ${names})`, expected, 'docker load puts an archive\'s layers and config into the store; the ID is the config\'s sha256, so the same archive gives the same ID.');
  }
  if (params.tag && !image.tags.includes(String(params.tag))) {
    return fail(`image ${short(id)} is there but tagged ${image.tags.join(', ') || 'nothing'}`, expected, 'a tag is only a name for an image ID');
  }
  return pass(`image ${short(id)} loaded (${image.tags.join(', ')})`, expected, 'docker load restores layers and tags from an archive', {imageId: id});
};

/** A built image's bottom layers are its base image's layers (the same dirs in the store). */
function builtOn(image: ImageSnapshot, base: ImageSnapshot | undefined): boolean {
  return Boolean(base && base.id !== image.id && base.layerDirs.length < image.layerDirs.length && base.layerDirs.every((d, i) => image.layerDirs[i] === d));
}

/** params: baseImageId, file (installed program), statusFile, package. */
export const imageWithPackage: Grader = (snapshot, params) => {
  const file = String(params.file);
  const statusFile = String(params.statusFile ?? '/var/lib/dpkg/status');
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
};
