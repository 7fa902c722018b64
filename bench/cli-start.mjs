#!/usr/bin/env node
// Cold start of `lab --help` against oclif's own floor (a one-command oclif CLI), as a ratio of medians.
// Run by hand after `npm run build`: node bench/cli-start.mjs [runs]
import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const runs = Number(process.argv[2] ?? 21);

function median(cmd, args) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, {stdio: 'ignore'});
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const floor = mkdtempSync(join(tmpdir(), 'oclif-floor-'));
try {
  mkdirSync(join(floor, 'commands'));
  symlinkSync(join(root, 'node_modules'), join(floor, 'node_modules'));
  writeFileSync(join(floor, 'package.json'), JSON.stringify({name: 'floor', version: '1.0.0', type: 'module', oclif: {bin: 'floor', commands: './commands'}}));
  writeFileSync(join(floor, 'commands', 'hello.js'), "import {Command} from '@oclif/core';\nexport default class Hello extends Command { static summary = 'hi'; async run() {} }\n");
  writeFileSync(join(floor, 'run.js'), "import {execute} from '@oclif/core';\nawait execute({dir: import.meta.url});\n");
  const node = median(process.execPath, ['-e', '0']);
  const base = median(process.execPath, [join(floor, 'run.js'), '--help']);
  const lab = median(process.execPath, [join(root, 'bin/run.js'), '--help']);
  console.log(`node -e 0            median ${node.toFixed(0)} ms`);
  console.log(`oclif floor --help   median ${base.toFixed(0)} ms`);
  console.log(`lab --help           median ${lab.toFixed(0)} ms`);
  console.log(`ratio lab / floor    ${(lab / base).toFixed(2)}x  (${runs} runs each)`);
} finally {
  rmSync(floor, {recursive: true, force: true});
}
