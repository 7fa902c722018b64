/**
 * Concept: namespaces by hand. unshare makes new namespaces and runs a program in them; nsenter joins the
 * namespaces another process already has (setns). Graded from processes the student leaves running, as the
 * kernel shows them: /proc/<pid>/ns, NSpid, the hostname of their uts namespace, the /proc they see.
 */
import type {NamespacedProcess, Snapshot} from './snapshot.js';
import {fail, grader, pass, text} from './types.js';

const names = (p: NamespacedProcess) => p.chain.map((x) => x.program ?? x.comm);
const describe = (p: NamespacedProcess) => `${p.chain[0]?.comm ?? '?'} (pid ${p.pid})`;
/** Started by a container engine (under a shim): a container's process, not one made by hand. */
const underShim = (p: NamespacedProcess) => names(p).some((n) => /shim|^runc/.test(n));
const startedBy = (p: NamespacedProcess, program: string) => p.chain.some((x) => x.comm === program || x.program === program);

/** Processes outside every container of the engine (and outside any engine's shim). */
export function byHand(snapshot: Snapshot): NamespacedProcess[] {
  const containerPidNs = new Set(snapshot.engine.containers.filter((c) => c.state.running && c.namespaces).map((c) => c.namespaces!.pid));
  const host = snapshot.host.namespaces;
  return (snapshot.host.processes ?? []).filter((p) => !underShim(p) && !(p.namespaces.pid !== host.pid && containerPidNs.has(p.namespaces.pid)));
}

const empty = {type: 'object', additionalProperties: false, properties: {}, required: []} as const;

/** unshare --pid --fork --mount-proc: a process that is PID 1 of its own pid namespace and sees its own /proc. */
export const ownPidNamespace = grader<Record<string, never>>(empty, (snapshot) => {
  const expected = 'a process left running by unshare --pid --fork --mount-proc: its pid namespace is not the host\'s, it is PID 1 there, and its /proc shows that namespace only';
  const concept = 'a new pid namespace numbers its processes from 1; ps reads /proc, so without a proc mounted for the new namespace ps still shows the host\'s processes.';
  const host = snapshot.host.namespaces;
  const mine = byHand(snapshot).filter((p) => p.namespaces.pid !== host.pid);
  const first = mine.filter((p) => p.nspid.at(-1) === 1);
  const good = first.find((p) => p.proc?.own);
  const evidence = (p?: NamespacedProcess) => (p ? {pid: p.pid, nspid: p.nspid, namespaces: p.namespaces, proc: p.proc, chain: names(p)} : {host});
  if (good) return pass(`${describe(good)}: NSpid ${good.nspid.join(' ')}, ${good.namespaces.pid} ≠ the host's ${host.pid}; its /proc lists ${good.proc!.count} process(es)`, expected, concept, evidence(good));
  const hostProc = first[0];
  if (hostProc) return fail(`${describe(hostProc)} is PID 1 of ${hostProc.namespaces.pid}, but its /proc is the host's (${hostProc.proc?.count ?? '?'} processes): ps there would show the host's processes — --mount-proc mounts a proc of its own`, expected, concept, evidence(hostProc));
  if (mine[0]) return fail(`${describe(mine[0])} is in ${mine[0].namespaces.pid} but is not its PID 1 (NSpid ${mine[0].nspid.join(' ')})`, expected, concept, evidence(mine[0]));
  return fail('no process outside the containers runs in a pid namespace of its own: without --fork unshare\'s program stays in the host\'s pid namespace (only its children would enter the new one)', expected, concept, evidence());
});

/** unshare --uts, then hostname NAME inside: a process whose uts namespace has the student's own hostname. */
export const ownHostname = grader<{hostname: string}>({type: 'object', additionalProperties: false, required: ['hostname'], properties: {hostname: text}}, (snapshot, {hostname}) => {
  const expected = `a process left running in a uts namespace of its own (unshare --uts) whose hostname is ${hostname}`;
  const concept = 'the uts namespace holds the hostname: set inside a new one, it changes for that namespace only and the host keeps its own.';
  const host = snapshot.host.namespaces;
  const mine = byHand(snapshot).filter((p) => p.namespaces.uts !== host.uts);
  const good = mine.find((p) => p.hostname === hostname);
  const evidence = {processes: mine.slice(0, 10).map((p) => ({pid: p.pid, uts: p.namespaces.uts, hostname: p.hostname})), host: host.uts};
  if (good) return pass(`${describe(good)} in ${good.namespaces.uts} (the host's is ${host.uts}) has the hostname ${hostname}`, expected, concept, evidence);
  const other = mine.find((p) => p.hostname !== undefined);
  if (other) return fail(`${describe(other)} has a uts namespace of its own, but its hostname is ${other.hostname}, not ${hostname}`, expected, concept, evidence);
  return fail('no process outside the containers runs in a uts namespace of its own', expected, concept, evidence);
});

const entered = ['pid', 'mnt', 'uts', 'ipc', 'net'];

/** nsenter -t PID -a (or -m -u -i -n -p): a process in all of a running container's namespaces, started from the host by nsenter. */
export const enteredContainer = grader<Record<string, never>>(empty, (snapshot) => {
  const expected = 'a process started with nsenter -t <container PID> -m -u -i -n -p (or -a) and left running: in every namespace of a running container';
  const concept = 'nsenter calls setns for each namespace it is given: the program joins the container\'s namespaces without the engine (docker exec does the same through the engine).';
  const containers = snapshot.engine.containers.filter((c) => c.state.running && c.namespaces);
  const processes = snapshot.host.processes ?? [];
  const near: Array<{p: NamespacedProcess; name: string; missing: string[]}> = [];
  for (const c of containers) {
    for (const p of processes) {
      if (containers.some((x) => x.state.pid === p.pid)) continue;
      const missing = entered.filter((k) => p.namespaces[k] !== c.namespaces![k]);
      // Sharing what the container shares with the host (--pid=host, --network host) is no way in.
      if (!entered.some((k) => !missing.includes(k) && c.namespaces![k] !== snapshot.host.namespaces[k])) continue;
      if (missing.length === 0 && startedBy(p, 'nsenter')) {
        return pass(`${describe(p)}, started by nsenter, shares ${entered.join(', ')} with container ${c.name}`, expected, concept, {containerId: c.id, pid: p.pid, chain: names(p), namespaces: p.namespaces, container: c.namespaces});
      }
      near.push({p, name: c.name, missing});
    }
  }
  // The nearest miss explains best: one nsenter started, then one in every namespace.
  const partial = near.sort((a, b) => Number(startedBy(b.p, 'nsenter')) - Number(startedBy(a.p, 'nsenter')) || a.missing.length - b.missing.length)[0];
  if (!partial) return fail(containers.length ? 'no process besides the containers\' own shares a container\'s namespaces' : 'no running container', expected, concept);
  const ev = {pid: partial.p.pid, chain: names(partial.p), namespaces: partial.p.namespaces};
  if (partial.missing.length === 0) return fail(`${describe(partial.p)} is in container ${partial.name}'s namespaces, but the engine started it (${names(partial.p).slice(0, 4).join(' ← ')}): enter them yourself with nsenter`, expected, concept, ev);
  return fail(`${describe(partial.p)} shares only some of container ${partial.name}'s namespaces: its ${partial.missing.join(', ')} namespaces are not the container's`, expected, concept, ev);
});
