/** How to run the snapshot collector inside an environment: the bundled single file, which starts fastest under emulation. */
import type {Environment} from '../../environment/environment.js';
import {packageRootIn} from '../providers/package-in-env.js';

export const collectorCommand = (env: Environment): string[] => ['node', `${packageRootIn(env)}/dist/bundle/collect.mjs`];
