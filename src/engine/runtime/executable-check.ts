/**
 * Before runc runs a container's command, look at it the way execve will, so a command that cannot run fails the
 * start (exit 127 or 126) instead of a process that dies at once. The classic: a dynamically linked binary in a
 * FROM scratch image exists, yet execve says "no such file or directory" — its program interpreter (the dynamic
 * loader) is missing. Messages are Docker's, so the docker CLI maps them to exit codes 127 and 126 as it does.
 */
import {accessSync, constants, existsSync, statSync} from 'node:fs';
import {posix} from 'node:path';
import {elfFacts} from '../../common/elf.js';
import {resolveInRoot} from '../util/rootfs-path.js';
import type {StartFailure} from './runtime-error.js';

/** The command cannot be run, found before the runtime tries: not found (127) or not executable (126). */
export class ExecutableError extends Error {
  override name = 'ExecutableError';
  constructor(
    message: string,
    readonly failure: Exclude<StartFailure, 'other'>,
  ) {
    super(message);
  }
}

function searchPath(root: string, command: string, env: string[]): string | undefined {
  const pathVar = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  for (const dir of pathVar.split(':').filter(Boolean)) {
    const candidate = posix.join(dir, command);
    const host = resolveInRoot(root, candidate);
    try {
      if (statSync(host).isFile()) return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

export function checkExecutable(root: string, args: string[], env: string[], cwd: string): void {
  const command = args[0];
  const path = command.includes('/') ? posix.resolve(cwd, command) : searchPath(root, command, env);
  if (!path) throw new ExecutableError(`exec: "${command}": executable file not found in $PATH`, 'not-found');
  const host = resolveInRoot(root, path);
  let st;
  try {
    st = statSync(host);
  } catch {
    throw new ExecutableError(`exec: "${command}": stat ${path}: no such file or directory`, 'not-found');
  }
  if (st.isDirectory()) throw new ExecutableError(`exec: "${command}": ${path} is a directory: permission denied`, 'not-executable');
  try {
    accessSync(host, constants.X_OK);
    if ((st.mode & 0o111) === 0) throw new Error('no x bit');
  } catch {
    throw new ExecutableError(`exec: "${command}": permission denied (${path} is not executable: its mode is ${(st.mode & 0o7777).toString(8).padStart(4, '0')}; chmod +x it)`, 'not-executable');
  }
  let elf;
  try {
    elf = elfFacts(host);
  } catch {
    return; // unreadable header: let execve decide
  }
  if (elf?.interpreter && !existsSync(resolveInRoot(root, elf.interpreter))) {
    // Docker's own words, nothing more: finding out why (the missing loader) is what lab 26 asks of the student.
    throw new ExecutableError(`exec ${path}: no such file or directory`, 'not-found');
  }
}
