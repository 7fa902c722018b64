#!/usr/bin/env node
// labd: the container engine daemon (the process `lab engine start` runs in the background).
// The build bundles it into one file: far fewer files to resolve and read, which matters most in an emulated VM.
import {existsSync} from 'node:fs';

const bundle = new URL('../dist/bundle/labd.mjs', import.meta.url);
const {main} = await import(existsSync(bundle) ? bundle.href : '../dist/src/engine/daemon/main.js');

// Exit at once when main returns: sockets to running containers' shims must not keep a stopped daemon alive.
process.exit(await main(process.argv.slice(2)));
