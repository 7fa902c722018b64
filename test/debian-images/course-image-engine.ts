/**
 * A course image built from its recipe (once per run: the default build cache is shared by every test file and
 * `lab image build`) and loaded into a private labd with `docker load`, as the course registry will serve it.
 */
import {freeTcpPort} from '../../src/common/free-port.js';
import {buildImageArchive, type BuildResult} from '../../src/debian-images/index.js';
import type {TestEngine} from '../helpers/engine.js';

const builds = new Map<string, Promise<{result: BuildResult; seconds: number}>>();

/** Builds (or takes from the cache) a recipe's docker-archive; the time is logged for the report. */
export function courseImage(name: string): Promise<{result: BuildResult; seconds: number}> {
  let build = builds.get(name);
  if (!build) {
    const started = performance.now();
    build = buildImageArchive(name, {format: 'docker'}).then((result) => ({result, seconds: (performance.now() - started) / 1000}));
    builds.set(name, build);
  }
  return build;
}

export async function loadCourseImage(engine: TestEngine, name: string): Promise<BuildResult> {
  const {result} = await courseImage(name);
  const load = await engine.docker(['load', '-i', result.path]);
  if (load.code !== 0) throw new Error(`docker load of ${name}: ${load.stderr}`);
  return result;
}


/** A loopback port nobody listens on now, for -p HOST:CONTAINER. */
export const freePort = freeTcpPort;
