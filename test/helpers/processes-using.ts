/** What is left running of a private engine's dir: live processes whose command line names something under it. */
import {readFileSync, readdirSync} from 'node:fs';
import {processAlive} from '../../src/common/process-alive.js';

/** Live processes other than this one whose command line names something under `dir`, as "pid argv". */
export function processesUsing(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => a.includes(`${dir}/`)) && processAlive(Number(name))) out.push(`${name} ${argv.join(' ').slice(0, 160)}`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
