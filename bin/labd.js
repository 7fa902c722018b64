#!/usr/bin/env node
// labd: the container engine daemon (the process `lab engine start` runs in the background).
import {main} from '../dist/src/engine/daemon/main.js';

process.exitCode = await main(process.argv.slice(2));
