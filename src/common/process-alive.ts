import {readFileSync} from 'node:fs';

/** The fields of /proc/PID/stat after the command name, which may itself hold spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * Whether a process with this PID exists and has not ended. EPERM means it does, owned by someone this process may
 * not signal. A zombie has ended: it only waits for its parent (or an init that reaps slowly) to collect it.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = statFields(pid)?.[0];
  return state !== 'Z' && state !== 'X';
}

/**
 * When the process started, in clock ticks since boot (stat's 22nd field): with the PID, names one process for
 * good, so a PID reused by a later process is not taken for the one recorded. Undefined when it is gone.
 */
export function processStartTicks(pid: number): string | undefined {
  return statFields(pid)?.[19];
}
