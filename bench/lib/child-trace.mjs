// The bench's side of lib/labd-child-trace.mjs: starting labd with it preloaded, and reading what it recorded.
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {session} from './session.mjs';

/**
 * Options for startEngines that run labd with every child process it starts timed from inside it (the
 * daemon's code unchanged), recording to a file in the scratch dir; `file` is where to read them.
 */
export function childTraceOptions() {
  const file = join(session.dir, 'labd-children.jsonl');
  return {
    file,
    labdNodeArgs: ['--import', new URL('./labd-child-trace.mjs', import.meta.url).href],
    labdEnv: {...process.env, LAB_BENCH_CHILD_TRACE: file},
  };
}

/** The child processes recorded so far: {what, start, firstOutput?, exit} in monotonic ms. */
export function readChildTrace(file) {
  if (!file || !existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
