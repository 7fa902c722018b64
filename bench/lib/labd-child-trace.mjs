// Preloaded into labd with `node --import` (container-run.mjs and exec.mjs --trace): records every child process
// the daemon starts through node:child_process (mount, umount, runc, labd-shim, ...) with monotonic timestamps,
// one JSON line per process when it exits, to the file named by LAB_BENCH_CHILD_TRACE. The daemon's code is
// unchanged: the module's exports are wrapped before the daemon imports them.
import childProcess from 'node:child_process';
import {openSync, writeSync} from 'node:fs';
import {syncBuiltinESMExports} from 'node:module';
import {basename} from 'node:path';
import {promisify} from 'node:util';

const file = process.env.LAB_BENCH_CHILD_TRACE;
if (file) {
  const fd = openSync(file, 'a');
  const now = () => Number(process.hrtime.bigint()) / 1e6;

  /** `runc --root R --log L start ID` → `runc start`: the first argument that is not an option or its value. */
  const describe = (cmd, args) => {
    const name = basename(String(cmd));
    const list = Array.isArray(args) ? args.map(String) : [];
    if (name === 'runc') {
      for (let i = 0; i < list.length; i++) {
        if (list[i].startsWith('-')) {
          if (!list[i].includes('=') && ['--root', '--log', '--log-format', '--criu', '--rootless'].includes(list[i])) i++;
          continue;
        }
        return `runc ${list[i]}`;
      }
    }
    if (name === 'mount' && list.includes('overlay')) return 'mount overlay';
    return name;
  };

  const watch = (child, cmd, args, start) => {
    if (!child) return;
    const entry = {what: describe(cmd, args), pid: child.pid, start};
    child.once('spawn', () => (entry.spawned = now()));
    // The first output: for labd-shim, its `ready <pid>` line (runc create has finished).
    child.stdout?.once('data', () => (entry.firstOutput = now()));
    child.once('exit', (code, signal) => {
      entry.exit = now();
      entry.code = code;
      if (signal) entry.signal = signal;
      try {
        writeSync(fd, JSON.stringify(entry) + '\n');
      } catch {
        // a full disk must not disturb the daemon
      }
    });
  };

  const {spawn, execFile} = childProcess;
  childProcess.spawn = function (cmd, args, ...rest) {
    const start = now();
    const child = spawn.call(this, cmd, args, ...rest);
    watch(child, cmd, args, start);
    return child;
  };
  const customExecFile = execFile[promisify.custom];
  const tracedExecFile = function (cmd, args, ...rest) {
    const start = now();
    const child = execFile.call(this, cmd, args, ...rest);
    watch(child, cmd, args, start);
    return child;
  };
  // promisify(execFile) uses this, and resolves with {stdout, stderr}; the promise carries the child.
  if (customExecFile) {
    Object.defineProperty(tracedExecFile, promisify.custom, {
      value: (cmd, args, ...rest) => {
        const start = now();
        const promise = customExecFile(cmd, args, ...rest);
        watch(promise.child, cmd, args, start);
        return promise;
      },
    });
  }
  childProcess.execFile = tracedExecFile;
  syncBuiltinESMExports();
}
