/** How to run the snapshot collector inside an environment: the bundled single file, which starts fastest under emulation. */
import type {Environment} from '../providers/provider.js';
import {packageRootIn} from '../session/prepare.js';

export const collectorCommand = (env: Environment): string[] => ['node', `${packageRootIn(env)}/dist/bundle/collect.mjs`];
