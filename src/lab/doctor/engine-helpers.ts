/**
 * The engine's static C helpers (dist/shim/labd-*). `npm run build` compiles them with gcc; on a fresh machine
 * `npm ci` runs before `lab doctor --fix` has installed gcc, so the build leaves them out and doctor builds them.
 */
import {spawn} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {packageRoot} from '../../common/package-root.js';
import type {Outcome, Prerequisite} from './prerequisite.js';

const HELPERS = ['labd-shim', 'labd-proxy', 'labd-mount', 'labd-cp'];
const SCRIPT = 'build:shim';

/** A checkout (not an installed package) can build them: it has the sources and the script. */
function buildable(root: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {scripts?: Record<string, string>};
    return Boolean(manifest.scripts?.[SCRIPT]) && existsSync(join(root, 'src'));
  } catch {
    return false;
  }
}

function check(): Outcome {
  const dir = join(packageRoot(), 'dist', 'shim');
  const missing = HELPERS.filter((h) => !existsSync(join(dir, h)));
  if (missing.length === 0) return {status: 'ok', detail: dir};
  return {status: 'missing', detail: `not built: ${missing.join(', ')} in ${dir}`};
}

function build(): Promise<void> {
  const root = packageRoot();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', SCRIPT], {cwd: root, stdio: ['ignore', 'pipe', 'pipe']});
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && check().status === 'ok') resolve();
      else reject(new Error(`npm run ${SCRIPT} in ${root} failed (exit ${code}):\n${output.trim().split('\n').slice(-5).join('\n')}`));
    });
  });
}

export function engineHelpers(): Prerequisite {
  const root = packageRoot();
  const canBuild = buildable(root);
  return {
    id: 'engine-helpers',
    name: 'engine helpers',
    neededFor: 'the engine: container shim, port proxy, mounter, docker cp (static C programs)',
    packages: [],
    manualFix: canBuild ? `cd ${root} && npm run ${SCRIPT}   (needs gcc and libc6-dev)` : 'reinstall lab: its package ships them built',
    repair: canBuild ? {describe: `Building the engine helpers (npm run ${SCRIPT})`, run: build} : undefined,
    check,
  };
}
