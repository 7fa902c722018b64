/** Concept: a container is a process in its own namespaces — compare /proc/<pid>/ns inodes with the host's. */
import type {Snapshot} from './snapshot.js';
import {fail, grader, optionalText, pass, text} from './types.js';

/** The kinds the collector reads from /proc/<pid>/ns. */
const kind = {type: 'string', enum: ['pid', 'mnt', 'uts', 'ipc', 'net', 'cgroup', 'user']} as const;

/** A running container (of image imageId, if given) with its own namespace of each kind (by default pid, mnt, uts, ipc, net). */
export const isolated = grader<{kinds?: string[]; imageId?: string}>({
  type: 'object', additionalProperties: false,
  properties: {kinds: {type: 'array', items: kind, minItems: 1, nullable: true}, imageId: optionalText},
}, (snapshot, params) => {
  const kinds = params.kinds ?? ['pid', 'mnt', 'uts', 'ipc', 'net'];
  const expected = `a running container whose ${kinds.join(', ')} namespaces differ from the host's`;
  const concept = 'namespaces give a process its own view (PIDs, mounts, hostname, IPC, network); the inode in /proc/<pid>/ns names which one.';
  const running = snapshot.engine.containers.filter((c) => c.state.running && c.namespaces && (!params.imageId || c.image === params.imageId));
  if (running.length === 0) return fail('no running container', expected, concept);
  for (const c of running) {
    const shared = kinds.filter((k) => c.namespaces![k] === snapshot.host.namespaces[k]);
    if (shared.length === 0) return pass(`container ${c.id.slice(0, 12)} (pid ${c.state.pid}) has its own ${kinds.join(', ')}`, expected, concept, {namespaces: c.namespaces, host: snapshot.host.namespaces});
  }
  const c = running[0];
  const shared = kinds.filter((k) => c.namespaces![k] === snapshot.host.namespaces[k]);
  return fail(`container ${c.id.slice(0, 12)} shares the host's ${shared.join(', ')}`, expected, concept, {namespaces: c.namespaces});
});

const short = (id: string) => id.slice(0, 12);
const runningWithNs = (snapshot: Snapshot) => snapshot.engine.containers.filter((c) => c.state.running && c.namespaces);
const sameNsConcept = 'two processes are in the same namespace exactly when /proc/<pid>/ns/<kind> names the same inode.';

/** A running container started with --pid=host: the host's pid namespace, yet its own mount namespace. */
export const hostPid = grader<Record<string, never>>({type: 'object', additionalProperties: false, properties: {}, required: []}, (snapshot) => {
  const expected = 'a running container (docker run --pid=host) whose /proc/<pid>/ns/pid is the host\'s, while its mnt namespace is its own';
  const host = snapshot.host.namespaces;
  const running = runningWithNs(snapshot);
  const c = running.find((x) => x.namespaces!.pid === host.pid && x.namespaces!.mnt !== host.mnt);
  if (c) return pass(`container ${short(c.id)} (${c.name}): pid ${c.namespaces!.pid} = the host's, mnt ${c.namespaces!.mnt} ≠ the host's ${host.mnt}`, expected, sameNsConcept, {containerId: c.id, namespaces: c.namespaces, host});
  if (running.length === 0) return fail('no running container', expected, sameNsConcept);
  const own = running[0];
  return fail(`container ${short(own.id)} (${own.name}) has its own pid namespace (${own.namespaces!.pid} ≠ the host's ${host.pid})`, expected, sameNsConcept, {containers: running.map((x) => ({id: x.id, pid: x.namespaces!.pid}))});
});

/** Two running containers in one network namespace (--network container:X), each with its own pid namespace. */
export const sharedNetwork = grader<Record<string, never>>({type: 'object', additionalProperties: false, properties: {}, required: []}, (snapshot) => {
  const expected = 'two running containers with the same /proc/<pid>/ns/net (docker run --network container:NAME), not the host\'s, and different pid namespaces';
  const host = snapshot.host.namespaces;
  const running = runningWithNs(snapshot);
  for (const a of running) {
    for (const b of running) {
      if (a === b || a.namespaces!.net !== b.namespaces!.net || a.namespaces!.pid === b.namespaces!.pid) continue;
      if (a.namespaces!.net === host.net) continue;
      return pass(`containers ${a.name} and ${b.name} share ${a.namespaces!.net}; their pid namespaces differ (${a.namespaces!.pid}, ${b.namespaces!.pid})`, expected, sameNsConcept, {containers: [a.id, b.id], net: a.namespaces!.net});
    }
  }
  const onHost = running.find((c) => c.namespaces!.net === host.net);
  if (onHost) return fail(`container ${short(onHost.id)} (${onHost.name}) shares the host's network (${host.net}), not another container's: that is --network host`, expected, sameNsConcept, {host: host.net});
  if (running.length < 2) return fail(`${running.length} running container(s): two are needed`, expected, sameNsConcept);
  return fail(`every running container has a network namespace of its own (${running.map((c) => `${c.name} ${c.namespaces!.net}`).join(', ')})`, expected, sameNsConcept);
});

/** The answer names the network namespace two running containers share (net:[inode] or the inode). */
export const sharedNetworkAnswer = grader<{answer: string}>({type: 'object', additionalProperties: false, required: ['answer'], properties: {answer: text}}, (snapshot, {answer}) => {
  const expected = `the inode of the network namespace two running containers share (lab answer ${answer} net:[INODE])`;
  const given = snapshot.answers[answer]?.trim();
  if (!given) return fail(`no answer yet (lab answer ${answer} net:[INODE])`, expected, sameNsConcept);
  const inode = given.replace(/^net:\[(\d+)\]$/, '$1');
  const host = snapshot.host.namespaces;
  const running = runningWithNs(snapshot);
  const shared = running.filter((c) => running.some((d) => d !== c && d.namespaces!.net === c.namespaces!.net && c.namespaces!.net !== host.net));
  const evidence = {given, shared: shared.map((c) => ({name: c.name, net: c.namespaces!.net})), host: host.net};
  if (shared.some((c) => c.namespaces!.net === `net:[${inode}]`)) return pass(`net:[${inode}] is the network namespace of ${shared.filter((c) => c.namespaces!.net === `net:[${inode}]`).map((c) => c.name).join(' and ')}`, expected, sameNsConcept, evidence);
  if (host.net === `net:[${inode}]`) return fail(`net:[${inode}] is the host's own network namespace (readlink /proc/$$/ns/net on the host)`, expected, sameNsConcept, evidence);
  const other = Object.entries(host).find(([, v]) => v === `${v.split(':')[0]}:[${inode}]`) ?? running.flatMap((c) => Object.entries(c.namespaces!)).find(([, v]) => v.endsWith(`[${inode}]`));
  if (other) return fail(`${inode} is a ${other[0]} namespace, not a network one`, expected, sameNsConcept, evidence);
  return fail(`no two running containers share net:[${inode}]`, expected, sameNsConcept, evidence);
});
