/**
 * The set-up of a comparison test file: a labd and Debian's dockerd (private, see reference-dockerd.ts), both with
 * the busybox image loaded, so the same request can be sent to each. Stopped when the file ends.
 */
import type {TestFn} from 'ava';
import {busyboxArchive} from './busybox.js';
import {startTestEngine, type TestEngine} from './engine.js';
import {startReferenceDockerd, type ReferenceDockerd} from './reference-dockerd.js';

export interface BothEngines {
  labd: TestEngine;
  dockerd: ReferenceDockerd;
}

export function bothEngines(test: TestFn): BothEngines {
  const both: Partial<BothEngines> = {};
  test.before(async () => {
    const archive = (await busyboxArchive('docker')).path;
    [both.labd, both.dockerd] = await Promise.all([startTestEngine(), startReferenceDockerd()]);
    for (const engine of [both.labd, both.dockerd]) {
      const load = await engine.docker(['load', '-i', archive]);
      if (load.code !== 0) throw new Error(load.stderr);
    }
  });
  test.after.always(async () => {
    await Promise.all([both.labd?.stop(), both.dockerd?.stop()]);
  });
  return {
    get labd() {
      if (!both.labd) throw new Error('the engines are not started yet (use them inside tests)');
      return both.labd;
    },
    get dockerd() {
      if (!both.dockerd) throw new Error('the engines are not started yet (use them inside tests)');
      return both.dockerd;
    },
  };
}
