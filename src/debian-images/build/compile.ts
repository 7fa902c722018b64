import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {BuildError} from '../support/errors.js';
import {run} from '../support/exec.js';
import type {CompileSpec} from '../recipe/types.js';

/** The host's C toolchain, as Debian packaged it: what a compiled program was built with. */
export interface Toolchain {
  /** "gcc=4:12.2.0-3 libc6-dev=2.36-9+deb12u14" */
  packages: string;
  /** gcc's own version line, which decides the code it emits. */
  gccVersion: string;
}

const FLAGS = ['-static', '-Os', '-s', '-Wall', '-Werror'];

/** dpkg's record of the toolchain packages; a host without them cannot build the recipe. */
export async function hostToolchain(): Promise<Toolchain> {
  const query = await run('dpkg-query', ['-W', '-f', '${Package}=${Version}\\n', 'gcc', 'libc6-dev']).catch((error: Error) => {
    throw new BuildError(`compiling a program needs Debian's gcc and libc6-dev (apt-get install gcc libc6-dev): ${error.message}`);
  });
  const gcc = await run('gcc', ['--version']);
  return {packages: query.stdout.toString('utf8').trim().split('\n').join(' '), gccVersion: gcc.stdout.toString('utf8').split('\n')[0]!.trim()};
}

/** What goes into the cache key: every source's bytes and the toolchain that compiles them. */
export async function compileInputs(recipeDir: string, specs: CompileSpec[], toolchain: Toolchain): Promise<string> {
  const lines = [`toolchain ${toolchain.packages} (${toolchain.gccVersion}) ${FLAGS.join(' ')}`];
  for (const spec of specs) lines.push(`${spec.source} ${(await readFile(join(recipeDir, spec.source))).toString('base64')}`);
  return lines.join('\n');
}

/** Compiles each source into a static binary under work/; returns image path → compiled file. */
export async function compilePrograms(recipeDir: string, specs: CompileSpec[], work: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [i, spec] of specs.entries()) {
    const binary = join(work, `compiled-${i}`);
    // Fixed relative names: the file name gcc records stays the same wherever the recipe lives.
    await run('gcc', [...FLAGS, '-o', binary, spec.source], {cwd: recipeDir, env: {PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', SOURCE_DATE_EPOCH: '0'}});
    out.set(spec.to, binary);
  }
  return out;
}
