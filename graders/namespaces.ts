/** Concept: a container is a process in its own namespaces — compare /proc/<pid>/ns inodes with the host's. */
import {fail, grader, optionalText, pass} from './types.js';

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
