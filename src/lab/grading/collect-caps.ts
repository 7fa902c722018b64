/** A process's effective capabilities (CapEff in /proc/<pid>/status) and the links of its network namespace (/proc/<pid>/net/dev). */
import {readFileSync} from 'node:fs';

export function capabilityFacts(pid: number): {capEff?: string; links?: string[]} {
  const out: {capEff?: string; links?: string[]} = {};
  try {
    out.capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  } catch {
    // process gone
  }
  try {
    // Two header lines, then "  name: counters..." per interface of the process's network namespace.
    out.links = readFileSync(`/proc/${pid}/net/dev`, 'utf8').split('\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean);
  } catch {
    // process gone
  }
  return out;
}
