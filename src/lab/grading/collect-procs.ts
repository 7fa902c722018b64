/** A process as the host sees it: its PID in each pid namespace (NSpid) and its line of parents. */
import {readFileSync} from 'node:fs';
import {basename} from 'node:path';
import type {ProcessFacts} from '../../../graders/snapshot.js';

function status(pid: number): Record<string, string> | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Object.fromEntries(text.split('\n').filter(Boolean).map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1).trim()];
    }));
  } catch {
    return undefined;
  }
}

/** The program a process runs, looking through an interpreter: `node .../labd.js` is labd. */
function program(pid: number, comm: string): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const first = basename(argv[0] ?? comm);
    const script = argv.slice(1).find((a) => !a.startsWith('-'));
    return /^(node|nodejs|python3?)$/.test(first) && script ? basename(script).replace(/\.(m?js|py)$/, '') : comm;
  } catch {
    return comm;
  }
}

export function processFacts(pid: number): ProcessFacts | undefined {
  const own = status(pid);
  if (!own) return undefined;
  const chain: ProcessFacts['chain'] = [];
  for (let p = pid, s = own; s && chain.length < 12; ) {
    const ppid = Number(s.PPid);
    chain.push({pid: p, ppid, comm: s.Name, program: program(p, s.Name)});
    if (ppid <= 1) break;
    p = ppid;
    s = status(p)!;
  }
  return {pid, nspid: (own.NSpid ?? String(pid)).split(/\s+/).map(Number), chain};
}
