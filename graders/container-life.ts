/**
 * Concept: a container's life as the engine records it — started detached or with a client attached, attached
 * to and left with the detach keys, named, killed or stopped, removed one by one or pruned — read from the
 * engine's events and containers, never from the commands typed.
 */
import type {EngineEventRecord, Snapshot} from './snapshot.js';
import {fail, grader, pass, text} from './types.js';

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

export function containerEvents(snapshot: Snapshot, id: string): EngineEventRecord[] {
  return snapshot.engine.events.filter((e) => e.Type === 'container' && e.Actor.ID === id).sort((a, b) => a.timeNano - b.timeNano);
}

/** Every container the engine has an event for in this session, with its events (removed ones too). */
function containersSeen(snapshot: Snapshot): Map<string, EngineEventRecord[]> {
  const ids = new Set(snapshot.engine.events.filter((e) => e.Type === 'container' && e.Actor.ID).map((e) => e.Actor.ID));
  return new Map([...ids].map((id) => [id, containerEvents(snapshot, id)]));
}

const imageParams = {type: 'object', additionalProperties: false, required: ['imageId', 'image'], properties: {imageId: text, image: text}} as const;

function ofImage(snapshot: Snapshot, imageId: string, image: string) {
  return snapshot.engine.containers.filter((c) => c.image === imageId || c.imageName === image || c.imageName === `${image}:latest`);
}

const detachConcept = 'docker run -d starts a container with no client attached; docker attach joins its terminal, and ctrl-p ctrl-q leaves it while it runs on (exit would end its shell, and the container with it).';

/** Started with no client attached (docker run -d): its first start comes with no attach before it. */
export const startedDetached = grader<{imageId: string; image: string}>(imageParams, (snapshot, params) => {
  const expected = 'a container from the image started detached (docker run -dit …): no client attached when it started';
  const mine = ofImage(snapshot, params.imageId, params.image);
  for (const c of mine) {
    const ev = containerEvents(snapshot, c.id);
    const start = ev.find((e) => e.Action === 'start');
    if (start && !ev.some((e) => e.Action === 'attach' && e.timeNano <= start.timeNano)) return pass(`container ${c.name} started with no client attached`, expected, detachConcept, {containerId: c.id});
  }
  return fail(mine.length ? `every container from ${params.image} started with a client attached (${mine.map((c) => c.name).join(', ')}): docker run without -d` : `no container from ${params.image} yet`, expected, detachConcept);
});

/** Attached to after it started, and left with the detach keys: it did not end with the attach, and still runs. */
export const detachedWithKeys = grader<{imageId: string; image: string}>(imageParams, (snapshot, params) => {
  const expected = 'a container started detached, then attached to (docker attach) and left with ctrl-p ctrl-q while it runs on';
  const mine = ofImage(snapshot, params.imageId, params.image);
  let why = `no container from ${params.image} was started detached and attached to later`;
  for (const c of mine) {
    const ev = containerEvents(snapshot, c.id);
    const start = ev.find((e) => e.Action === 'start');
    if (!start || ev.some((e) => e.Action === 'attach' && e.timeNano <= start.timeNano)) continue;
    const attach = ev.find((e) => e.Action === 'attach' && e.timeNano > start.timeNano);
    const evidence = {containerId: c.id, actions: ev.map((e) => e.Action)};
    if (!attach) {
      why = `container ${c.name} was started detached, but nobody attached to it (docker attach ${c.name})`;
      continue;
    }
    // The docker CLI catches ctrl-p ctrl-q itself and hangs up: what the engine sees is the container running on
    // after the attach, where exit would have ended it.
    const died = ev.find((e) => e.Action === 'die' && e.timeNano > attach.timeNano);
    if (!died && c.state.running) return pass(`container ${c.name} was attached to and runs on: it was left with the detach keys, not ended`, expected, detachConcept, evidence);
    why = died
      ? `container ${c.name} was attached to, but its shell ended there (exit ${died.Actor.Attributes.exitCode}): exit stops the container, ctrl-p ctrl-q only leaves it`
      : `container ${c.name} was attached to, but is ${c.state.status} now`;
  }
  return fail(why, expected, detachConcept);
});

const nameConcept = 'every container has a name: docker run --name gives it one, else the engine makes one up from an adjective and a surname (adjective_surname); docker ps and docker container ls list them, docker image ls the images and their IDs.';

/** The answer auto-name is the name the engine gave one of the student's containers (adjective_surname). */
export const generatedName = grader<{answer: string}>({
  type: 'object', additionalProperties: false, required: ['answer'], properties: {answer: text},
}, (snapshot, params) => {
  const expected = 'the name the engine gave your first alpine container, as docker ps -a shows it';
  const given = snapshot.answers[params.answer]?.trim();
  if (!given) return fail(`no answer yet (lab answer ${params.answer} NAME)`, expected, nameConcept);
  const c = snapshot.engine.containers.find((x) => x.name === given);
  if (!c) {
    const byId = snapshot.engine.containers.find((x) => given.length >= 4 && x.id.startsWith(given));
    return fail(byId ? `${given} is container ${byId.name}'s ID, not its name` : `no container here is named ${given}`, expected, nameConcept);
  }
  if (!/^[a-z]+_[a-z]+$/.test(c.name)) return fail(`${given} is a name given with --name, not one the engine made up (adjective_surname)`, expected, nameConcept, {containerId: c.id});
  return pass(`${given} is the engine's name for container ${short(c.id)}`, expected, nameConcept, {containerId: c.id});
});

/** A container named by --name as the step asks. */
export const namedContainer = grader<{name: string; imageId: string; image: string}>({
  type: 'object', additionalProperties: false, required: ['name', 'imageId', 'image'], properties: {name: text, imageId: text, image: text},
}, (snapshot, params) => {
  const expected = `a container from ${params.image} named ${params.name} (docker run --name ${params.name} …)`;
  const c = snapshot.engine.containers.find((x) => x.name === params.name);
  if (!c) return fail(`no container is named ${params.name}`, expected, nameConcept);
  if (!ofImage(snapshot, params.imageId, params.image).includes(c)) return fail(`container ${params.name} is from ${c.imageName}, not ${params.image}`, expected, nameConcept, {containerId: c.id});
  return pass(`container ${params.name} (${short(c.id)}) is from ${params.image}`, expected, nameConcept, {containerId: c.id});
});

/** The answer is the image's ID as docker image ls shows it (12 hex digits or more of it). */
export const imageIdReported = grader<{answer: string; imageId: string; image: string}>({
  type: 'object', additionalProperties: false, required: ['answer', 'imageId', 'image'], properties: {answer: text, imageId: text, image: text},
}, (snapshot, params) => {
  const expected = `the IMAGE ID of ${params.image}, as docker image ls shows it`;
  const given = snapshot.answers[params.answer]?.trim().toLowerCase().replace(/^sha256:/, '');
  if (!given) return fail(`no answer yet (lab answer ${params.answer} ID)`, expected, nameConcept);
  const want = params.imageId.replace(/^sha256:/, '');
  if (given.length >= 12 && want.startsWith(given)) return pass(`${given.slice(0, 12)} is ${params.image}'s ID`, expected, nameConcept, {imageId: params.imageId});
  const other = snapshot.engine.images.find((i) => given.length >= 12 && i.id.replace(/^sha256:/, '').startsWith(given));
  if (other) return fail(`${given.slice(0, 12)} is the ID of ${other.tags[0] ?? 'another image'}, not of ${params.image}`, expected, nameConcept);
  const asContainer = snapshot.engine.containers.find((c) => given.length >= 12 && c.id.startsWith(given));
  return fail(asContainer ? `${given.slice(0, 12)} is container ${asContainer.name}'s ID, not an image's` : `no image here has the ID ${given}`, expected, nameConcept);
});
