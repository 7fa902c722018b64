/**
 * Processes that live in other namespaces than the host's — what `unshare` and `nsenter` leave running, and
 * containers' processes too. For each: its namespace inodes, its PIDs (NSpid), its parents, the hostname of its
 * uts namespace (read through nsenter -u, as /proc/sys/kernel/hostname is per uts namespace), and whether the
 * /proc it sees is a proc of its own (unshare --mount-proc) or the host's.
 */
import {execFileSync} from 'node:child_process';
import {readdirSync, readlinkSync, statSync} from 'node:fs';
import type {NamespacedProcess} from '../../../graders/snapshot.js';
import {netLinks} from './collect-links.js';
import {processFacts} from './collect-procs.js';

const kinds = ['pid', 'mnt', 'uts', 'ipc', 'net', 'cgroup', 'user'];
const maxProcesses = 300;

export function namespacesOf(pid: number | 'self'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ns of kinds) {
    try {
      out[ns] = readlinkSync(`/proc/${pid}/ns/${ns}`);
    } catch {
      // process gone or namespace kind missing
    }
  }
  return out;
}

function hostnameIn(pid: number): string | undefined {
  try {
    return execFileSync('nsenter', ['-t', String(pid), '-u', 'uname', '-n'], {encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore']}).trim();
  } catch {
    return undefined;
  }
}

/** The PIDs its /proc lists (the first 20), and whether that /proc is another instance than the host's. */
function procView(pid: number, hostProcDev: number): NamespacedProcess['proc'] {
  try {
    const dir = `/proc/${pid}/root/proc`;
    const pids = readdirSync(dir).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
    return {own: statSync(dir).dev !== hostProcDev, count: pids.length, first: pids.slice(0, 20)};
  } catch {
    return undefined;
  }
}

export function namespacedProcesses(): NamespacedProcess[] {
  const host = namespacesOf('self');
  const hostProcDev = statSync('/proc').dev;
  const hostnames = new Map<string, string | undefined>();
  const links = new Map<string, ReturnType<typeof netLinks>>();
  const out: NamespacedProcess[] = [];
  const pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  for (const pid of pids) {
    if (out.length >= maxProcesses || pid === process.pid) continue;
    const ns = namespacesOf(pid);
    if (!['pid', 'mnt', 'uts', 'net', 'ipc'].some((k) => ns[k] && ns[k] !== host[k])) continue;
    const facts = processFacts(pid);
    if (!facts) continue;
    let hostname: string | undefined;
    if (ns.uts && ns.uts !== host.uts) {
      if (!hostnames.has(ns.uts)) hostnames.set(ns.uts, hostnameIn(pid));
      hostname = hostnames.get(ns.uts);
    }
    const proc = ns.mnt !== host.mnt || ns.pid !== host.pid ? procView(pid, hostProcDev) : undefined;
    // One look per network namespace: the processes of a container share it.
    if (ns.net && ns.net !== host.net && !links.has(ns.net)) links.set(ns.net, netLinks(pid));
    const own = ns.net && ns.net !== host.net ? links.get(ns.net) : undefined;
    out.push({pid, nspid: facts.nspid, chain: facts.chain, namespaces: ns, ...(hostname === undefined ? {} : {hostname}), ...(proc ? {proc} : {}), ...(own ? {links: own} : {})});
  }
  return out;
}
