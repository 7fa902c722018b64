/** `docker top`: the host's `ps` output, filtered to the processes the runtime says belong to the container. */
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {invalidArgument} from '../errors.js';
import type {ContainerContext} from './context.js';
import {checkRunning} from './state.js';

const exec = promisify(execFile);

/** The `top` verb: the processes of a running container. */
export async function topOf(ctx: ContainerContext, ref: string, psArgs?: string): Promise<{Titles: string[]; Processes: string[][]}> {
  const c = ctx.store.get(ref);
  checkRunning(c);
  return top(await ctx.runtime.pids(c.ID), psArgs);
}

export async function top(pids: number[], psArgs = '-ef'): Promise<{Titles: string[]; Processes: string[][]}> {
  if (/[^\w\s,=%-]/.test(psArgs)) throw invalidArgument(`invalid ps arguments: ${psArgs}`);
  let stdout: string;
  try {
    ({stdout} = await exec('ps', psArgs.split(/\s+/).filter(Boolean)));
  } catch (error) {
    throw invalidArgument(`ps ${psArgs} failed: ${(error as Error).message}`);
  }
  const lines = stdout.trimEnd().split('\n');
  const titles = lines[0].trim().split(/\s+/);
  const pidColumn = titles.indexOf('PID');
  if (pidColumn < 0) throw invalidArgument(`Couldn't find PID field in ps output`);
  const wanted = new Set(pids);
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    const row = [...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')];
    if (wanted.has(Number(row[pidColumn]))) processes.push(row);
  }
  return {Titles: titles, Processes: processes};
}
