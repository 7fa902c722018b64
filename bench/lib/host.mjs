// The machine a bench ran on: other work on it inflates every number, so each report says how busy it was.
import {readFileSync} from 'node:fs';
import {cpus, loadavg} from 'node:os';
import {run} from './proc.mjs';

/** The 1, 5 and 15 minute load averages, as text. */
export function readLoad() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return undefined;
  }
}

/** The 1-minute load average as a number. */
export const load1 = () => loadavg()[0];

/** Cores, node, the docker CLI's version and the load averages now. */
export const hostInfo = async () => ({cores: cpus().length, node: process.version, docker: (await run('docker', ['--version'])).stdout.trim(), load: readLoad()});
