// What a daemon costs while a bench runs: its resident memory and CPU time, dockerd counted together with the
// containerd it started (engine.pids() names the processes).
import {cpuSeconds, rssKiB, selfCpuSeconds} from './proc.mjs';

/** VmRSS in KiB of each of the engine's processes, and their `total`. */
export function daemonRss(engine) {
  const out = {};
  for (const [name, pid] of Object.entries(engine.pids())) {
    const kib = rssKiB(pid);
    if (kib !== undefined) out[name] = kib;
  }
  out.total = Object.values(out).reduce((a, b) => a + b, 0);
  return out;
}

/** CPU seconds of the engine's processes, their reaped children included (dockerd's untar helpers, labd's mknod). */
export const daemonCpu = (engine) => Object.values(engine.pids()).reduce((sum, pid) => sum + (pid ? cpuSeconds(pid) : 0), 0);

/**
 * CPU seconds of the engine's processes themselves: labd's reaped shims (and their runc) are left out, as
 * containerd's shims, which are nobody's children here, are.
 */
export const daemonSelfCpu = (engine) => Object.values(engine.pids()).reduce((sum, pid) => sum + selfCpuSeconds(pid), 0);
