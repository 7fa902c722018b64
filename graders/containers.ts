/** Concept: a container is a process (and a writable layer) made from an image; it has a life: created, running, exited, restarted. */
import type {ContainerSnapshot, ImageSnapshot, Snapshot} from './snapshot.js';
import {describeLinkage, hasLinkage} from './elf.js';
import {judgeCopyUp} from './copy-up.js';
import {fail, grader, linkage, mode, pass, text, type Linkage} from './types.js';

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

function imagesWith(snapshot: Snapshot, path: string, kind: Linkage): ImageSnapshot[] {
  return snapshot.engine.images.filter((i) => hasLinkage(i.files[path], kind));
}

/** A container from an image with the program at imagePath, linked so, ran and failed to start the program. */
export const failedRun = grader<{imagePath: string; linkage: Linkage}>({
  type: 'object', additionalProperties: false, required: ['imagePath', 'linkage'],
  properties: {imagePath: text, linkage},
}, (snapshot, params) => {
  const path = params.imagePath;
  const images = imagesWith(snapshot, path, params.linkage);
  const expected = `a container from the image with the ${params.linkage} ${path} that failed to start (exit 127: the file "cannot be found")`;
  const concept = 'execve finds the program but not its interpreter (/lib64/ld-linux-x86-64.so.2): a scratch image has no C library, so the kernel reports "no such file or directory".';
  const runs = snapshot.engine.containers.filter((c) => images.some((i) => i.id === c.image));
  const failed = runs.find((c) => !c.state.running && c.state.exitCode === 127);
  if (failed) return pass(`container ${short(failed.id)} exited 127: ${failed.state.error.slice(0, 160)}`, expected, concept, {containerId: failed.id, exitCode: 127});
  if (runs.length === 0) return fail(`no container was created from ${images.length > 0 ? `image ${short(images[0].id)}` : 'such an image'}`, expected, concept);
  const c = runs[0];
  return fail(`container ${short(c.id)} is ${c.state.status} with exit code ${c.state.exitCode}`, expected, concept, {containerId: c.id});
});

/** A container from an image with the program at imagePath, linked so, exited 0 and printed the output. */
export const succeededRun = grader<{imagePath: string; linkage: Linkage; output: string}>({
  type: 'object', additionalProperties: false, required: ['imagePath', 'linkage', 'output'],
  properties: {imagePath: text, linkage, output: text},
}, (snapshot, params) => {
  const path = params.imagePath;
  const images = imagesWith(snapshot, path, params.linkage);
  const want = params.output;
  const expected = `a container from the image with the ${params.linkage} ${path} that exited 0 and printed "${want}"`;
  const concept = 'a statically linked program needs nothing from the image: it runs even in an empty (scratch) root filesystem.';
  const runs = snapshot.engine.containers.filter((c) => images.some((i) => i.id === c.image));
  const ok = runs.find((c) => c.state.status === 'exited' && c.state.exitCode === 0 && c.logTail.includes(want));
  if (ok) return pass(`container ${short(ok.id)} printed "${want}" and exited 0`, expected, concept, {containerId: ok.id});
  if (runs.length === 0) {
    const anyImage = snapshot.engine.images.find((i) => i.files[path]?.exists);
    return fail(anyImage ? `no container ran from an image whose ${describeLinkage(anyImage.files[path])}` : `no container ran from an image with ${path}`, expected, concept);
  }
  const c = runs[0];
  return fail(`container ${short(c.id)} exited ${c.state.exitCode} and printed ${JSON.stringify(c.logTail.slice(-2))}`, expected, concept, {containerId: c.id});
});

function eventsOf(snapshot: Snapshot, id: string) {
  return snapshot.engine.events.filter((e) => e.Type === 'container' && e.Actor.ID === id).sort((a, b) => a.timeNano - b.timeNano);
}

/** The container that holds the lab's change (a copy-up of `path`), so "restarted" means this one, not a new one. */
export function containerWithChange(snapshot: Snapshot, imageId: string, path: string): ContainerSnapshot | undefined {
  return snapshot.engine.containers.find((c) => c.image === imageId && c.files[path]?.upper.exists);
}

interface RestartParams {
  imageId: string;
  path: string;
  /** When given: the container must be the one whose copy-up the chmod step accepts (mode restored, mtime kept). */
  mode?: number | null;
  interactive?: boolean | null;
}

/** The container of image imageId with a change to path was started again and attached to after it had exited. */
export const restartedAndAttached = grader<RestartParams>({
  type: 'object', additionalProperties: false, required: ['imageId', 'path'],
  properties: {imageId: text, path: text, mode: {...mode, nullable: true}, interactive: {type: 'boolean', nullable: true}},
}, (snapshot, params) => {
  const expected = 'the same container (the one where you changed chmod) started a second time and attached to (docker start + docker attach, or docker start -a)';
  const concept = 'an exited container keeps its writable layer; start runs the same container again, run would make a new one.';
  let c: ContainerSnapshot | undefined;
  if (params.mode !== undefined && params.mode !== null) {
    const j = judgeCopyUp(snapshot, {imageId: params.imageId, path: params.path, mode: params.mode, interactive: params.interactive});
    if (!j.ok) return fail(`the container of the previous step is not there yet: ${j.reason}`, expected, concept, j.evidence);
    c = j.container;
  } else {
    c = containerWithChange(snapshot, params.imageId, params.path);
  }
  if (!c) return fail(`no container of the image holds a changed ${params.path}`, expected, concept);
  const events = eventsOf(snapshot, c.id);
  const starts = events.filter((e) => e.Action === 'start');
  const firstDie = events.find((e) => e.Action === 'die');
  const attachAfter = firstDie && events.find((e) => e.Action === 'attach' && e.timeNano > firstDie.timeNano);
  const evidence = {containerId: c.id, actions: events.map((e) => e.Action)};
  if (starts.length >= 2 && attachAfter) return pass(`container ${short(c.id)} (${c.name}) was started ${starts.length} times and attached to after it exited`, expected, concept, evidence);
  if (starts.length < 2) return fail(`container ${short(c.id)} (${c.name}) was started ${starts.length} time(s)`, expected, concept, evidence);
  return fail(`container ${short(c.id)} (${c.name}) was started again but nobody attached to it afterwards`, expected, concept, evidence);
});
