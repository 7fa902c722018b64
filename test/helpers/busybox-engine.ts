/**
 * The usual set-up of an engine test file: one private engine with the busybox image loaded, started before the
 * file's tests; at the end it is stopped, its containers removed first (their shims would outlive the engine).
 */
import type {TestFn} from 'ava';
import {busyboxArchive} from './busybox.js';
import {startTestEngine, type TestEngine} from './engine.js';

export function busyboxEngine(test: TestFn, opts: {daemonJson?: Record<string, unknown>} = {}): TestEngine {
  let engine: TestEngine | undefined;
  test.before(async () => {
    engine = await startTestEngine(opts);
    const load = await engine.docker(['load', '-i', (await busyboxArchive('docker')).path]);
    if (load.code !== 0) throw new Error(load.stderr);
  });
  test.after.always(async () => {
    await engine?.stop();
  });
  // The engine exists only once the file's before hook ran: every use goes through to it then.
  return new Proxy({} as TestEngine, {
    get(_target, key) {
      if (!engine) throw new Error('the test engine is not started yet (use it inside tests)');
      const value = engine[key as keyof TestEngine];
      return typeof value === 'function' ? value.bind(engine) : value;
    },
  });
}
