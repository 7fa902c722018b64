/**
 * Concept: OverlayFS by hand. lowerdir=A:B:C stacks read-only layers with A on top; upperdir takes every change:
 * a new file is created there, a changed lower file is copied up first, a deleted one leaves a whiteout (a 0/0
 * character device) that hides it. The lower dirs never change.
 */
import type {DirListing, OverlayMount, Snapshot} from './snapshot.js';
import {overlayAt, samePath} from './mounts.js';
import {fail, grader, pass, text, texts} from './types.js';

const concept = 'lowerdir layers are read-only and the left-most is on top; every change through the merged view lands in upperdir.';
const base = (p: string) => p.replace(/\/+$/, '').split('/').pop() ?? p;

export function listing(snapshot: Snapshot, dir: string): DirListing {
  return snapshot.host.dirs?.[dir] ?? {path: dir, exists: false, entries: {}};
}

function describeMount(m: OverlayMount): string {
  return `lowerdir=${m.lower.join(':')},upperdir=${m.upper ?? '?'},workdir=${m.work ?? '?'}`;
}

/** An overlay at mountPoint with the lower dirs in the order asked (top first), the upper and the work dir. */
export const mountedInOrder = grader<{mountPoint: string; lower: string[]; upper: string; work: string}>({
  type: 'object', additionalProperties: false, required: ['mountPoint', 'lower', 'upper', 'work'],
  properties: {mountPoint: text, lower: {...texts, minItems: 1}, upper: text, work: text},
}, (snapshot, params) => {
  const {lower, upper, work} = params;
  const point = params.mountPoint;
  const expected = `an overlay mounted at ${point} with lowerdir=${lower.map(base).join(':')} (in that order), upperdir=${base(upper)}, workdir=${base(work)}`;
  const mounts = snapshot.host.overlays ?? [];
  const m = overlayAt(mounts, point);
  if (!m) return fail(`nothing of type overlay is mounted at ${point}${mounts.length ? ` (${mounts.length} overlay mount(s) elsewhere)` : ''}`, expected, concept);
  const evidence = {mountPoint: m.mountPoint, lower: m.lower, upper: m.upper, work: m.work};
  const sameSet = m.lower.length === lower.length && lower.every((d) => m.lower.some((o) => samePath(o, d)));
  if (!m.lower.every((o, i) => samePath(o, lower[i])) || m.lower.length !== lower.length) {
    const why = sameSet ? 'the right layers in another order: the first lowerdir is the top layer' : `other lower dirs than ${lower.map(base).join(', ')}`;
    return fail(`${point} is mounted with ${describeMount(m)}: ${why}`, expected, concept, evidence);
  }
  if (!samePath(m.upper, upper)) return fail(`${point} has upperdir=${m.upper ?? '(none: a read-only overlay)'}`, expected, concept, evidence);
  if (!samePath(m.work, work)) return fail(`${point} has workdir=${m.work ?? '(none)'}`, expected, concept, evidence);
  return pass(`${point}: ${describeMount(m)}`, expected, concept, evidence);
});

/** A file (relative path) made through the merged view is in the upper dir and in none of the lower dirs. */
export const newFileInUpper = grader<{upper: string; lowers: string[]; file: string}>({
  type: 'object', additionalProperties: false, required: ['upper', 'lowers', 'file'],
  properties: {upper: text, lowers: texts, file: text},
}, (snapshot, params) => {
  const file = params.file;
  const expected = `${file} created in the merged dir: present in upperdir, in no lower dir`;
  const inLower = params.lowers.find((d) => listing(snapshot, d).entries[file]?.exists);
  if (inLower) return fail(`${file} is in ${inLower}: it was written into a lower layer directly, not through the merged view`, expected, concept, {lower: inLower});
  const f = listing(snapshot, params.upper).entries[file];
  if (!f?.exists) return fail(`${file} is not in upperdir ${params.upper}`, expected, concept);
  if (f.type !== 'file') return fail(`${file} in upperdir is a ${f.whiteout ? 'whiteout' : f.type}, not a file`, expected, concept);
  return pass(`${file} is in upperdir only (${f.size} bytes)`, expected, concept, {sha256: f.sha256});
});

/** A file of the lower dir (with originalSha256) changed through the merged view: a changed copy in upper, the lower one as it was. */
export const copiedUp = grader<{upper: string; lower: string; file: string; originalSha256: string}>({
  type: 'object', additionalProperties: false, required: ['upper', 'lower', 'file', 'originalSha256'],
  properties: {upper: text, lower: text, file: text, originalSha256: text},
}, (snapshot, params) => {
  const file = params.file;
  const expected = `${file} changed through the merged dir: a changed copy in upperdir, the original untouched in ${base(params.lower)}`;
  const copyConcept = 'copy-up: the first write to a lower file copies it whole into upperdir; the write goes to the copy.';
  const low = listing(snapshot, params.lower).entries[file];
  const up = listing(snapshot, params.upper).entries[file];
  const evidence = {upperSha: up?.sha256, lowerSha: low?.sha256};
  if (!low?.exists || low.sha256 !== params.originalSha256) return fail(`${base(params.lower)}/${file} itself was changed${low?.exists ? '' : ' (it is gone)'}: the lower layer must stay as it was`, expected, copyConcept, evidence);
  if (!up?.exists) return fail(`${file} has no copy in upperdir: it was not changed through the merged dir`, expected, copyConcept, evidence);
  if (up.whiteout) return fail(`${file} was deleted, not changed (upperdir holds a whiteout)`, expected, copyConcept, evidence);
  if (up.sha256 === low.sha256) return fail(`the copy of ${file} in upperdir has the original content: copied up, but not changed`, expected, copyConcept, evidence);
  return pass(`${file}: a changed copy in upperdir (${up.size} bytes), the lower one as it was`, expected, copyConcept, evidence);
});

/** A file of the lower dir deleted through the merged view: a whiteout in upper, the lower file kept. */
export const whiteout = grader<{upper: string; lower: string; file: string}>({
  type: 'object', additionalProperties: false, required: ['upper', 'lower', 'file'],
  properties: {upper: text, lower: text, file: text},
}, (snapshot, params) => {
  const file = params.file;
  const expected = `${file} deleted in the merged dir: a whiteout (character device 0/0) in upperdir, the file still in ${base(params.lower)}`;
  const wConcept = 'a lower layer is read-only, so deleting its file writes a whiteout into upperdir that hides it from the merged view.';
  const low = listing(snapshot, params.lower).entries[file];
  const up = listing(snapshot, params.upper).entries[file];
  if (!low?.exists) return fail(`${base(params.lower)}/${file} is gone: it was deleted in the lower layer itself`, expected, wConcept);
  if (!up?.exists) return fail(`upperdir has no entry for ${file}: it was not deleted through the merged dir`, expected, wConcept);
  if (!up.whiteout) return fail(`upperdir has ${file} as a ${up.type}, not a whiteout`, expected, wConcept);
  return pass(`upperdir has a whiteout for ${file}; ${base(params.lower)} still has the file`, expected, wConcept);
});

/** Every lower dir of the manifest holds exactly its files (relative path → sha256), unchanged. */
export const lowersUntouched = grader<{manifest: Array<{dir: string; files: Record<string, string>}>}>({
  type: 'object', additionalProperties: false, required: ['manifest'],
  properties: {
    manifest: {
      type: 'array', minItems: 1,
      items: {type: 'object', additionalProperties: false, required: ['dir', 'files'], properties: {dir: text, files: {type: 'object', required: [], additionalProperties: text}}},
    },
  },
}, (snapshot, {manifest}) => {
  const expected = 'the lower dirs exactly as handed out: nothing added, changed or removed';
  for (const {dir, files} of manifest) {
    const l = listing(snapshot, dir);
    if (!l.exists) return fail(`${dir} is missing`, expected, concept);
    const have = Object.values(l.entries).filter((e) => e.type !== 'dir');
    for (const [rel, sha] of Object.entries(files)) {
      const e = l.entries[rel];
      if (!e?.exists) return fail(`${base(dir)}/${rel} is gone`, expected, concept, {dir});
      if (e.sha256 !== sha) return fail(`${base(dir)}/${rel} was changed in the lower dir`, expected, concept, {dir, sha256: e.sha256});
    }
    const extra = have.find((e) => !(e.path in files));
    if (extra) return fail(`${base(dir)}/${extra.path} was added to the lower dir`, expected, concept, {dir});
  }
  return pass(`${manifest.length} lower dirs unchanged`, expected, concept);
});
