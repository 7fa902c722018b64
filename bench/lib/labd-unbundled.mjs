// labd from the compiler's output, one file per module, so that a CPU profile names the src/engine files
// (bin/labd.js runs the single-file bundle, in which every function sits in dist/bundle/labd.mjs).
import {main} from '../../dist/src/engine/daemon/main.js';

process.exit(await main(process.argv.slice(2)));
