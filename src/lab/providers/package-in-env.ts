/** Where this package, and so the `lab` command, lives inside an environment (the VM image installs it at /opt/lab). */
import {join} from 'node:path';
import type {Environment} from '../../environment/environment.js';
import {packageRoot} from '../../package-root.js';

export function packageRootIn(env: Environment): string {
  return env.provider === 'local' ? packageRoot() : '/opt/lab';
}

export function labCommandIn(env: Environment): string[] {
  return ['node', join(packageRootIn(env), 'bin', 'run.js')];
}
