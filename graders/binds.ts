/**
 * Concept: code kept in a host folder and run in a container through a bind mount (-v /host/dir:/dir): the
 * container reads the host's file itself, so an edit on the host is what the container runs next time. Read
 * from the container's mounts (docker inspect: Mounts) and its log, and from the host file.
 */
import {fail, grader, pass, text} from './types.js';

const short = (id: string) => id.slice(0, 12);
const clean = (p: string) => p.replace(/\/+$/, '');

/** A container with hostDir bind-mounted at target printed output (the edited program's line). */
export const ranFromHost = grader<{hostDir: string; target: string; output: string}>({
  type: 'object', additionalProperties: false, required: ['hostDir', 'target', 'output'],
  properties: {hostDir: text, target: text, output: text},
}, (snapshot, p) => {
  const expected = `a container with ${p.hostDir} bind-mounted (-v ${p.hostDir}:${p.target}) that printed "${p.output}"`;
  const concept = 'a bind mount shows the host folder itself inside the container: nothing is copied, so the container runs what the host file holds now.';
  const printed = snapshot.engine.containers.filter((c) => c.logTail.some((l) => l.includes(p.output)));
  const bound = (m: {type: string; source: string; destination: string}) => m.type === 'bind' && clean(m.source) === clean(p.hostDir) && clean(m.destination) === clean(p.target);
  const good = printed.find((c) => (c.mounts ?? []).some(bound));
  if (good) return pass(`container ${good.name} (${short(good.id)}) ran the host's ${p.hostDir} at ${p.target} and printed "${p.output}"`, expected, concept, {containerId: good.id, mounts: good.mounts});
  const withBind = snapshot.engine.containers.find((c) => (c.mounts ?? []).some(bound));
  if (withBind) return fail(`container ${withBind.name} (${short(withBind.id)}) has the folder mounted but printed ${JSON.stringify(withBind.logTail.slice(-2))}: edit the file on the host, then run it again`, expected, concept, {containerId: withBind.id});
  if (printed.length === 0) return fail(`no container printed "${p.output}"`, expected, concept);
  const c = printed[0];
  const at = (c.mounts ?? []).find((m) => clean(m.destination) === clean(p.target));
  const why = !at ? `has nothing mounted at ${p.target}: the file came in another way (a copy is not the host's file)`
    : at.type !== 'bind' ? `has a ${at.type} mounted at ${p.target}, not the host folder`
    : `binds ${at.source}, not ${p.hostDir}`;
  return fail(`container ${c.name} (${short(c.id)}) printed it but ${why}`, expected, concept, {containerId: c.id, mounts: c.mounts});
});

/** The host file holds the edit (the line the program must now print). */
export const editedOnHost = grader<{file: string; output: string}>({
  type: 'object', additionalProperties: false, required: ['file', 'output'], properties: {file: text, output: text},
}, (snapshot, p) => {
  const expected = `${p.file} on the host edited to print "${p.output}"`;
  const concept = 'the code lives on the host: you edit it there, with the host\'s editor, and the container runs it.';
  const f = snapshot.host.files[p.file];
  if (!f?.exists) return fail(`${p.file} is not there`, expected, concept);
  return f.contains?.[p.output] ? pass(`${p.file} holds "${p.output}"`, expected, concept, {sha256: f.sha256}) : fail(`${p.file} does not hold "${p.output}" yet`, expected, concept, {sha256: f.sha256});
});
