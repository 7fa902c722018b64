/** Where this package lives inside an environment (the VM image installs it at /opt/lab), and how to run its commands there. */
import {join} from 'node:path';
import type {Environment} from '../../environment/environment.js';
import {packageRoot} from '../../common/package-root.js';

export function packageRootIn(env: Environment): string {
  return env.provider === 'local' ? packageRoot() : '/opt/lab';
}

export function labCommandIn(env: Environment): string[] {
  return ['node', join(packageRootIn(env), 'bin', 'run.js')];
}

/** The snapshot collector inside the environment: the bundled single file, which starts fastest under emulation. */
export function collectorCommandIn(env: Environment): string[] {
  return ['node', `${packageRootIn(env)}/dist/bundle/collect.mjs`];
}
