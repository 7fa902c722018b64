/**
 * Concept: ending and removing containers. docker kill sends SIGKILL (exit 137 = 128 + 9); docker stop sends
 * SIGTERM and gives the program time to end by itself (0, or 143 = 128 + 15, when it does; SIGKILL and 137 after
 * the timeout when it does not). A stopped container stays until docker rm or docker container prune; unused
 * images go with docker image prune, a named one with docker image rm.
 */
import type {EngineEventRecord, Snapshot} from './snapshot.js';
import {containerEvents} from './container-life.js';
import {fail, grader, pass, text} from './types.js';

const concept = 'docker kill sends SIGKILL at once (exit 137); docker stop sends SIGTERM first and SIGKILL only after 10 s (exit 0 or 143 when the program ends by itself); rm removes one container, container prune every stopped one, image prune unused images, image rm a named one.';

interface Ended {
  id: string;
  name: string;
  how: 'killed' | 'stopped' | 'signalled';
  firstSignal?: number;
  exitCode?: number;
  events: EngineEventRecord[];
}

/** How each container of the session ended, from its events: kill with SIGKILL, docker stop, or another signal. */
function endings(snapshot: Snapshot): Ended[] {
  const ids = new Set(snapshot.engine.events.filter((e) => e.Type === 'container' && e.Action === 'die').map((e) => e.Actor.ID));
  const out: Ended[] = [];
  for (const id of ids) {
    const ev = containerEvents(snapshot, id);
    const die = ev.find((e) => e.Action === 'die');
    const before = ev.filter((e) => e.Action === 'kill' && e.timeNano <= die!.timeNano);
    if (before.length === 0) continue;
    const firstSignal = Number(before[0].Actor.Attributes.signal);
    // docker stop's own event may come just before or after the die it waited for: it counts from the first signal on.
    const stopped = ev.some((e) => e.Action === 'stop' && e.timeNano >= before[0].timeNano);
    const live = snapshot.engine.containers.find((c) => c.id === id);
    const exitCode = live && !live.state.running ? live.state.exitCode : Number(die!.Actor.Attributes.exitCode);
    out.push({id, name: die!.Actor.Attributes.name ?? id.slice(0, 12), how: stopped ? 'stopped' : firstSignal === 9 ? 'killed' : 'signalled', firstSignal, exitCode, events: ev});
  }
  return out;
}

const noParams = {type: 'object', additionalProperties: false, properties: {}, required: []} as const;
const named = {type: 'object', additionalProperties: false, required: ['name'], properties: {name: text}} as const;

/**
 * The endings of the container of that name that is still there (a removed one's events stay behind in the log);
 * with none there, of the last one removed under that name: the next step removes the killed and the stopped
 * container, and a lab check after it must still see how they ended.
 */
function present(snapshot: Snapshot, name: string): Ended[] {
  const c = snapshot.engine.containers.find((x) => x.name === name);
  if (c) return endings(snapshot).filter((e) => e.id === c.id);
  const removed = snapshot.engine.events
    .filter((e) => e.Type === 'container' && e.Action === 'destroy' && e.Actor.Attributes.name === name && !snapshot.engine.containers.some((x) => x.id === e.Actor.ID))
    .sort((a, b) => b.timeNano - a.timeNano)[0];
  return removed ? endings(snapshot).filter((e) => e.id === removed.Actor.ID) : [];
}

/** A running container ended by docker kill: SIGKILL first, no docker stop, exit 137. */
export const killed = grader<{name: string}>(named, (snapshot, {name}) => {
  const expected = `container ${name} ended with docker kill (SIGKILL, exit 137)`;
  const all = present(snapshot, name);
  const k = all.find((e) => e.how === 'killed');
  if (k) return pass(`container ${k.name} was killed (SIGKILL) and exited ${k.exitCode}`, expected, concept, {containerId: k.id, exitCode: k.exitCode});
  const s = all.find((e) => e.how === 'stopped');
  return fail(s ? `container ${s.name} was stopped (SIGTERM first, then the program's own ending), not killed` : `container ${name} was not ended with docker kill`, expected, concept);
});

/** A running container ended by docker stop: SIGTERM first, then its exit (0 or 143 if it ended by itself). */
export const stopped = grader<{name: string}>(named, (snapshot, {name}) => {
  const expected = `container ${name} ended with docker stop (SIGTERM first)`;
  const all = present(snapshot, name);
  const s = all.find((e) => e.how === 'stopped' && e.firstSignal === 15);
  if (s) return pass(`container ${s.name} was stopped: SIGTERM, then exit ${s.exitCode}${s.exitCode === 137 ? ' (it ignored SIGTERM, so SIGKILL came after the timeout)' : ''}`, expected, concept, {containerId: s.id, exitCode: s.exitCode});
  const t = all.find((e) => e.how === 'signalled' && e.firstSignal === 15);
  return fail(t ? `container ${t.name} got SIGTERM from docker kill -s TERM, never a docker stop` : `container ${name} was not ended with docker stop`, expected, concept);
});

/** The exit codes docker ps -a showed for the killed and the stopped container. */
export const exitCodesReported = grader<{killAnswer: string; stopAnswer: string; killed: string; stopped: string}>({
  type: 'object', additionalProperties: false, required: ['killAnswer', 'stopAnswer', 'killed', 'stopped'], properties: {killAnswer: text, stopAnswer: text, killed: text, stopped: text},
}, (snapshot, params) => {
  const expected = 'the exit codes (Exited (N) in docker ps -a) of the killed and of the stopped container';
  const k = snapshot.answers[params.killAnswer]?.trim();
  const s = snapshot.answers[params.stopAnswer]?.trim();
  if (!k || !s) return fail(`no answer yet (lab answer ${params.killAnswer} N, lab answer ${params.stopAnswer} N)`, expected, concept);
  const killedOnes = present(snapshot, params.killed).filter((e) => e.how === 'killed');
  const stoppedOnes = present(snapshot, params.stopped).filter((e) => e.how === 'stopped');
  const kOk = killedOnes.some((e) => String(e.exitCode) === k);
  const sOk = stoppedOnes.some((e) => String(e.exitCode) === s);
  if (kOk && sOk) return pass(`killed: ${k}, stopped: ${s}, as the engine recorded them`, expected, concept);
  const seen = `killed: ${killedOnes.map((e) => e.exitCode).join('/') || 'none'}, stopped: ${stoppedOnes.map((e) => e.exitCode).join('/') || 'none'}`;
  return fail(`answered killed ${k} and stopped ${s}, but the engine recorded ${seen}`, expected, concept);
});

/** The killed container is gone: docker rm removed it. */
export const killedRemoved = grader<{name: string}>(named, (snapshot, {name}) => {
  const expected = `the killed container ${name} removed (docker rm ${name})`;
  const k = endings(snapshot).filter((e) => e.how === 'killed' && e.name === name);
  const gone = k.find((e) => e.events.some((x) => x.Action === 'destroy'));
  if (gone) return pass(`container ${gone.name} was removed`, expected, concept, {containerId: gone.id});
  return fail(k.length ? `the killed container ${k[0].name} is still there (docker ps -a)` : 'no killed container yet (the step before)', expected, concept);
});

/** docker container prune ran, and took the stopped container with it. */
export const pruned = grader<{name: string}>(named, (snapshot, {name}) => {
  const expected = `docker container prune, removing the stopped container ${name} with the other exited ones`;
  const prunes = snapshot.engine.events.filter((e) => e.Type === 'container' && e.Action === 'prune');
  if (prunes.length === 0) return fail('docker container prune was never run', expected, concept);
  for (const s of endings(snapshot).filter((e) => e.how === 'stopped' && e.name === name)) {
    const destroy = s.events.find((x) => x.Action === 'destroy');
    // Prune removes the containers first and reports itself after them.
    if (destroy && prunes.some((p) => p.timeNano >= destroy.timeNano && p.timeNano - destroy.timeNano < 60e9)) {
      return pass(`docker container prune removed the stopped container ${s.name}`, expected, concept, {containerId: s.id});
    }
  }
  return fail('docker container prune ran, but the stopped container was not among what it removed (it was removed before, or still runs)', expected, concept);
});

/** docker image prune ran. */
export const imagesPruned = grader<Record<string, never>>({...noParams, required: []}, (snapshot) => {
  const expected = 'docker image prune';
  const p = snapshot.engine.events.find((e) => e.Type === 'image' && e.Action === 'prune');
  return p ? pass(`docker image prune ran (${p.Actor.Attributes.reclaimed ?? 0} bytes reclaimed)`, expected, concept) : fail('docker image prune was never run', expected, concept);
});

/** docker image rm NAME: the image untagged and deleted from the store (not only one of its names removed). */
export const imageRemoved = grader<{image: string}>({
  type: 'object', additionalProperties: false, required: ['image'], properties: {image: text},
}, (snapshot, params) => {
  const expected = `the ${params.image} image removed from the store (docker image rm ${params.image})`;
  const named = new RegExp(`(^|/)${params.image.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:latest)?$`);
  const untags = snapshot.engine.events.filter((e) => e.Type === 'image' && e.Action === 'untag' && named.test(e.Actor.Attributes.name ?? ''));
  const still = snapshot.engine.images.find((i) => i.tags.some((t) => named.test(t)));
  if (still) return fail(`${params.image} is still in the store (${short(still.id)})`, expected, concept);
  if (untags.length === 0) return fail(`${params.image} was never here to remove (docker run ${params.image} pulls it)`, expected, concept);
  const deleted = untags.find((u) => !snapshot.engine.images.some((i) => i.id === u.Actor.ID));
  if (deleted) return pass(`${params.image} was untagged and its image ${short(deleted.Actor.ID)} deleted`, expected, concept, {imageId: deleted.Actor.ID});
  const kept = snapshot.engine.images.find((i) => i.id === untags[0].Actor.ID)!;
  return fail(`the name ${params.image} was removed, but its image ${short(kept.id)} stays as ${kept.tags.join(', ') || '<none>'}: image rm of one of several names only untags`, expected, concept, {imageId: kept.id});
});

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
