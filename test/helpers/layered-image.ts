/** An image of three layers (busybox and two RUN steps writing /one and /two) built by a test's engine. */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {TestEngine} from './engine.js';

export async function buildThreeLayers(engine: TestEngine, tag: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-layered-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nRUN echo one > /one\nRUN echo two > /two\n');
    const build = await engine.docker(['build', '-t', tag, dir]);
    if (build.code !== 0) throw new Error(`docker build of ${tag} failed: ${build.stderr || build.stdout}`);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
