/** A failed start's exit code comes from the kind of failure, not from words that happen to be in its message. */
import test from 'ava';
import {EngineError} from '../../../src/engine/errors.js';
import {startErrorForClient, startExitCode} from '../../../src/engine/containers/start-error.js';
import {ExecutableError} from '../../../src/engine/runtime/executable-check.js';
import {failureIn, RuntimeError} from '../../../src/engine/runtime/runtime-error.js';
import {ShimError} from '../../../src/engine/runtime/shim-client.js';

test('the engine\'s own check: not found is 127, not executable 126', (t) => {
  t.is(startExitCode(new ExecutableError('exec: "nope": executable file not found in $PATH', 'not-found')), 127);
  t.is(startExitCode(new ExecutableError('exec: "/x": permission denied (/x is not executable: its mode is 0644; chmod +x it)', 'not-executable')), 126);
});

test('the runtime\'s words are read once, where they enter: runc\'s exec errors keep Docker\'s codes', (t) => {
  t.is(startExitCode(new ShimError('runc create failed: unable to start container process: exec: "nope": executable file not found in $PATH')), 127);
  t.is(startExitCode(new ShimError('runc create failed: unable to start container process: exec: "/etc": permission denied')), 126);
  t.is(startExitCode(new RuntimeError('container not running', 'other')), 128);
  t.is(failureIn('open /x: no such file or directory'), 'not-found');
  t.is(failureIn('cgroup: device or resource busy'), 'other');
});

test('an error from elsewhere is 128 whatever its message says', (t) => {
  t.is(startExitCode(new Error('network mynet not found')), 128);
  t.is(startExitCode(new EngineError('not-found', 'No such file or directory: bind source /data not found')), 128);
});

test('a process that could not be created is a 400 in dockerd\'s words; other errors pass as they are', (t) => {
  const e = startErrorForClient(new ShimError('exec: "nope": executable file not found in $PATH'));
  t.true(e instanceof EngineError);
  t.is((e as EngineError).kind, 'invalid-argument');
  t.is(e.message, 'failed to create task for container: OCI runtime create failed: unable to start container process: exec: "nope": executable file not found in $PATH');
  const other = new EngineError('conflict', 'port is already allocated');
  t.is(startErrorForClient(other), other);
});
