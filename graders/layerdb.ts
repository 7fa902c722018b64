/**
 * Concept: the image database. repositories.json names an image ID; imagedb/content/sha256/<id> lists its
 * rootfs.diff_ids; layerdb/sha256/<chain-id>/{diff,parent,cache-id} ties each to a directory
 * overlay2/<cache-id>/diff. Mounting those directories as lowerdir (top layer first) is what the engine does
 * for a container, and the layers stay read-only.
 */
import type {ImageSnapshot, Snapshot} from './snapshot.js';
import {overlayAt, samePath} from './mounts.js';
import {fail, grader, pass, text} from './types.js';

const concept = 'an image is a chain of layer dirs found through repositories.json → imagedb → layerdb (cache-id) → overlay2/<cache-id>/diff; mounted top layer first.';
const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

/** A layer dir overlay2/<cache-id>/diff → its cache-id. */
export const cacheIdOf = (layerDir: string) => layerDir.replace(/\/+$/, '').split('/').slice(-2, -1)[0] ?? '';

function imageTagged(snapshot: Snapshot, tag: string): ImageSnapshot | undefined {
  return snapshot.engine.images.find((i) => i.tags.includes(tag));
}

/** An overlay at mountPoint of exactly the layer dirs of the image tagged `image`, top first, with upper as its upper dir. */
export const imageMounted = grader<{image: string; mountPoint: string; upper: string}>({
  type: 'object', additionalProperties: false, required: ['image', 'mountPoint', 'upper'],
  properties: {image: text, mountPoint: text, upper: text},
}, (snapshot, params) => {
  const tag = params.image;
  const point = params.mountPoint;
  const image = imageTagged(snapshot, tag);
  const expected = `an overlay at ${point} whose lowerdir is every layer dir of ${tag}, top layer first, and a new upperdir ${params.upper}`;
  if (!image) return fail(`no image is tagged ${tag}`, expected, concept);
  const want = [...image.layerDirs].reverse();
  const m = overlayAt(snapshot.host.overlays ?? [], point);
  if (!m) return fail(`nothing of type overlay is mounted at ${point}`, expected, concept, {layers: want});
  const seen = m.resolved.lower;
  const evidence = {imageId: image.id, lower: m.lower, resolved: seen, layers: want};
  const cache = (dirs: string[]) => dirs.map((d) => short(cacheIdOf(d))).join(' : ');
  if (seen.length === want.length && seen.every((d, i) => samePath(d, want[i]))) {
    if (!samePath(m.resolved.upper, params.upper)) return fail(`the image's layers are mounted, but upperdir is ${m.upper ?? '(none)'}`, expected, concept, evidence);
    return pass(`${point}: the ${want.length} layers of ${tag} (${cache(want)}), top first, under upperdir ${m.upper}`, expected, concept, evidence);
  }
  const sameSet = seen.length === want.length && want.every((d) => seen.some((s) => samePath(s, d)));
  if (sameSet) return fail(`${point} has the image's layers bottom-up (${cache(seen)}): the first lowerdir must be the top layer (${short(cacheIdOf(want[0]))})`, expected, concept, evidence);
  const missing = want.filter((d) => !seen.some((s) => samePath(s, d)));
  const foreign = seen.filter((s) => !want.some((d) => samePath(s, d)));
  return fail(`${point} has lowerdir=${m.lower.join(':')}: ${missing.length} of the image's ${want.length} layers missing${foreign.length ? `, ${foreign.length} dir(s) that are not its layers` : ''}`, expected, concept, evidence);
});

/** The new file (a path in the image, e.g. /walk.txt) is in the upper dir and in none of the layers of the image tagged `image`. */
export const fileInUpperOnly = grader<{image: string; upper: string; file: string}>({
  type: 'object', additionalProperties: false, required: ['image', 'upper', 'file'],
  properties: {image: text, upper: text, file: text},
}, (snapshot, params) => {
  const file = params.file;
  const rel = file.replace(/^\/+/, '');
  const image = imageTagged(snapshot, params.image);
  const expected = `${rel} created in the merged dir: in upperdir ${params.upper}, in none of the image's layers`;
  const roConcept = 'the image\'s layers are lowerdirs, read-only: what you create goes to upperdir, so every container of the image still sees the same layers.';
  if (!image) return fail(`no image is tagged ${params.image}`, expected, roConcept);
  const inLayer = image.files[file];
  if (inLayer?.exists) return fail(`${rel} is inside the image's layers: a layer dir was written directly`, expected, roConcept, {imageId: image.id});
  const up = snapshot.host.dirs?.[params.upper]?.entries[rel];
  if (!up?.exists || up.type !== 'file') return fail(`upperdir ${params.upper} has no file ${rel}`, expected, roConcept);
  return pass(`${rel} is in upperdir (${up.size} bytes); the image's ${image.layerDirs.length} layers do not have it`, expected, roConcept, {imageId: image.id});
});

/** The cache-ids given under the answer key are exactly those of the layers of the image tagged `image`. */
export const cacheIds = grader<{image: string; answer: string}>({
  type: 'object', additionalProperties: false, required: ['image', 'answer'],
  properties: {image: text, answer: text},
}, (snapshot, params) => {
  const image = imageTagged(snapshot, params.image);
  const key = params.answer;
  const expected = `the cache-id of every layer of ${params.image} (lab answer ${key} ID...)`;
  if (!image) return fail(`no image is tagged ${params.image}`, expected, concept);
  const given = (snapshot.answers[key] ?? '').split(/\s+/).filter(Boolean);
  if (given.length === 0) return fail(`no answer yet (lab answer ${key} CACHE-ID...)`, expected, concept);
  const want = image.layerDirs.map(cacheIdOf);
  const wrong = given.filter((g) => !want.includes(g));
  const missing = want.filter((w) => !given.includes(w));
  const evidence = {imageId: image.id, given};
  if (wrong.length) return fail(`${wrong.map(short).join(', ')} ${wrong.length === 1 ? 'is not the cache-id of a layer' : 'are not cache-ids of layers'} of ${params.image}${given.some((g) => g.length !== 64) ? ' (a cache-id has 64 hex digits)' : ''}`, expected, concept, evidence);
  if (missing.length) return fail(`${given.length} of the image's ${want.length} cache-ids: ${missing.length} missing`, expected, concept, evidence);
  return pass(`all ${want.length} cache-ids of ${params.image} (${want.map(short).join(', ')})`, expected, concept, evidence);
});
