/**
 * Concept: a container lives on after its process stops — docker stop ends the process (SIGTERM, then SIGKILL),
 * docker start runs the same container again; docker rm removes it, docker rmi removes an image no name and no
 * container holds any more. Read from the engine's events and what it still has.
 */
import type {EngineEventRecord, Snapshot} from './snapshot.js';
import {containerNamed} from './reveal.js';
import {fail, grader, pass, text} from './types.js';

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

function containerEvents(snapshot: Snapshot, id: string): EngineEventRecord[] {
  return snapshot.engine.events.filter((e) => e.Type === 'container' && e.Actor.ID === id).sort((a, b) => a.timeNano - b.timeNano);
}

/** The named container (the lab's own, by its label) was stopped with docker stop and started again, and runs now. */
export const stoppedAndStarted = grader<{container: string; label: string; value: string}>({
  type: 'object', additionalProperties: false, required: ['container', 'label', 'value'], properties: {container: text, label: text, value: text},
}, (snapshot, {container, label, value}) => {
  const expected = `container ${container} stopped (docker stop ${container}) and started again (docker start ${container}): the same container, running`;
  const concept = 'docker stop sends SIGTERM and, after the timeout, SIGKILL; the container stays, exited, with its layer; docker start runs that same container again, docker run would make a new one.';
  const c = containerNamed(snapshot, container);
  if (!c) return fail(`there is no container named ${container} (lab reset makes it again)`, expected, concept);
  const events = containerEvents(snapshot, c.id);
  const evidence = {containerId: c.id, actions: events.map((e) => e.Action + (e.Actor.Attributes.signal ? ` ${e.Actor.Attributes.signal}` : ''))};
  // The lab's own container carries its label: one made again with docker run does not (events may start a moment before the lab's own).
  if (c.labels?.[label] !== value) return fail(`this ${container} (${short(c.id)}) is not the one the lab made: docker run made a new container instead of starting the old one`, expected, concept, evidence);
  const stop = [...events].reverse().find((e) => e.Action === 'stop');
  if (!stop) {
    const killed = events.some((e) => e.Action === 'kill');
    return fail(killed ? `${container} was killed (docker kill), never stopped: stop asks the process to end first (SIGTERM)` : `${container} was never stopped`, expected, concept, evidence);
  }
  if (!events.some((e) => e.Action === 'start' && e.timeNano > stop.timeNano)) return fail(`${container} was stopped but not started again`, expected, concept, evidence);
  if (!c.state.running) return fail(`${container} was started again but is ${c.state.status} now`, expected, concept, evidence);
  return pass(`${container} (${short(c.id)}): ${evidence.actions.join(', ')}; running`, expected, concept, evidence);
});

/** No container of that name remains, and the engine removed one of that name after the lab began. */
export const containerRemoved = grader<{container: string}>({
  type: 'object', additionalProperties: false, required: ['container'], properties: {container: text},
}, (snapshot, {container}) => {
  const expected = `container ${container} removed (docker rm ${container})`;
  const concept = 'docker rm deletes an exited container and its writable layer; docker ps -a no longer lists it.';
  const c = containerNamed(snapshot, container);
  if (c) return fail(`${container} is still there (${c.state.status}): docker ps -a lists it`, expected, concept, {containerId: c.id});
  const destroyed = snapshot.engine.events.find((e) => e.Type === 'container' && e.Action === 'destroy' && e.Actor.Attributes.name === container);
  if (!destroyed) return fail(`no container named ${container} was removed since the lab began`, expected, concept);
  return pass(`${container} (${short(destroyed.Actor.ID)}) removed`, expected, concept, {containerId: destroyed.Actor.ID});
});

/** No image carries the label the lab gave its own image any more: the image itself is gone, not only a name. */
export const imageRemoved = grader<{label: string; value: string; tag: string}>({
  type: 'object', additionalProperties: false, required: ['label', 'value', 'tag'], properties: {label: text, value: text, tag: text},
}, (snapshot, p) => {
  const expected = `the image ${p.tag} removed from the store (docker rmi ${p.tag}; docker images no longer lists it)`;
  const concept = 'docker rmi removes a name; the image itself goes with its last name, and not while a container (even an exited one) still uses it, unless forced (-f), which leaves that container holding layers no image lists.';
  const left = snapshot.engine.images.find((i) => i.config.Labels?.[p.label] === p.value);
  if (left) {
    const users = snapshot.engine.containers.filter((c) => c.image === left.id).map((c) => c.name);
    const names = left.tags.length ? `tagged ${left.tags.join(', ')}` : 'untagged (<none>)';
    const held = users.length ? `; container ${users.join(', ')} still uses it` : '';
    return fail(`image ${short(left.id)} is still in the store, ${names}${held}`, expected, concept, {imageId: left.id});
  }
  const deleted = snapshot.engine.events.find((e) => e.Type === 'image' && e.Action === 'delete');
  if (!deleted) return fail('no image was removed since the lab began', expected, concept);
  // docker rmi -f deletes an image that only stopped containers use, as dockerd does: the container keeps its layers.
  const orphan = snapshot.engine.containers.find((c) => snapshot.engine.events.some((e) => e.Type === 'image' && e.Action === 'delete' && e.Actor.ID === c.image));
  if (orphan) return fail(`image ${short(orphan.image)} was deleted with -f while container ${orphan.name} still used it (its layers stay on disk for it): remove the container first`, expected, concept, {imageId: orphan.image, container: orphan.name});
  return pass(`the image is gone (${short(deleted.Actor.ID)} deleted)`, expected, concept, {imageId: deleted.Actor.ID});
});
