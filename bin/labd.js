#!/usr/bin/env node
// labd: the container engine daemon (the process `lab engine start` runs in the background).
import {main} from '../dist/src/engine/daemon/main.js';

// Exit at once when main returns: sockets to running containers' shims must not keep a stopped daemon alive.
process.exit(await main(process.argv.slice(2)));
