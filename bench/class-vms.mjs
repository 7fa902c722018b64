#!/usr/bin/env node
// A class's lab VMs started through libvirt: N VMs (default 10) of a generated roster by `lab class start`'s code,
// the time at which each became ready (SSH with its pinned key, then its engine), the time until all were, and per
// VM the qemu process's resident memory and the disk volume's allocation. Then the class is destroyed and the
// bench's own storage pool removed. Run by hand as root after `npm run build`, with libvirtd running:
//   sudo node bench/class-vms.mjs [--vms 10] [--concurrency 4] [--memory 768] [--cpus 1] [--hosts lab-hosts.json] [--no-engine-wait] [--json]
// Without --hosts the VMs go to qemu:///system, in a pool of the bench's own. TCG on a shared 2-core machine:
// the figures grow with the machine's other load, printed with them.
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const {values: opts} = parseArgs({
  options: {
    vms: {type: 'string', default: '10'},
    concurrency: {type: 'string', default: '4'},
    memory: {type: 'string', default: '768'},
    cpus: {type: 'string', default: '1'},
    hosts: {type: 'string'},
    json: {type: 'boolean', default: false},
    'no-engine-wait': {type: 'boolean', default: false},
  },
});
const distDir = ['dist/src', 'dist'].map((d) => join(root, d)).find((d) => existsSync(join(d, 'vm/libvirt/machine.js')));
if (!distDir) throw new Error('build first: npm run build');
const {buildVmImage} = await import(join(distDir, 'vm/build/index.js'));
const {loadHostPool, parseHostPool} = await import(join(distDir, 'vm/libvirt/hosts.js'));
const {startClass, endClass, classVmName} = await import(join(distDir, 'lab/class-vms/class-vms.js'));
const {readLibvirtRecord} = await import(join(distDir, 'vm/libvirt/record.js'));
const {virsh} = await import(join(distDir, 'vm/libvirt/virsh.js'));
const {deleteImageVolumes} = await import(join(distDir, 'vm/libvirt/storage.js'));

const log = (message) => process.stderr.write(`${message}\n`);
const n = Number(opts.vms);
const tag = `bench-class-${process.pid}`;
const work = mkdtempSync(join(tmpdir(), `${tag}-`));
process.env.XDG_STATE_HOME = join(work, 'state');
const pool = {name: tag, path: `/var/lib/libvirt/images/${tag}`};
const hostsFile = opts.hosts ?? join(work, 'lab-hosts.json');
if (!opts.hosts) writeFileSync(hostsFile, JSON.stringify({hosts: [{name: 'here', uri: 'qemu:///system', listen: '127.0.0.1', ports: {from: 24000, to: 24999}, pool}]}));
const loaded = opts.hosts ? loadHostPool(hostsFile) : parseHostPool(JSON.stringify({hosts: [{name: 'here', uri: 'qemu:///system', listen: '127.0.0.1', ports: {from: 24000, to: 24999}, pool}]}), hostsFile);
const hosts = {...loaded, vm: {memoryMiB: Number(opts.memory), cpus: Number(opts.cpus)}};
const roster = {format: 'plain', importedFrom: 'bench', students: Array.from({length: n}, (_, i) => ({id: `s${String(i + 1).padStart(3, '0')}`, name: `Student ${i + 1}`, vm: `${tag}-${i + 1}`}))};

const image = await buildVmImage({onProgress: (p) => log(`  ${p.step}: ${p.message}`)});
const load = [loadavg()[0]];
const readyAt = [];
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  await endClass(roster, 'destroy').catch((e) => log(`destroy: ${e.message}`));
  if (!opts.hosts) {
    await deleteImageVolumes('qemu:///system', pool.name).catch(() => undefined);
    for (const verb of ['pool-destroy', 'pool-delete', 'pool-undefine']) await virsh('qemu:///system', [verb, pool.name]).catch(() => undefined);
  }
  rmSync(work, {recursive: true, force: true});
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void cleanup().finally(() => process.exit(130)));

let report;
try {
  const started = performance.now();
  const vms = await startClass({
    roster,
    hosts,
    image,
    concurrency: Number(opts.concurrency),
    waitForEngine: !opts['no-engine-wait'],
    onMessage: (m) => log(m),
    onProgress: (done, total, item, ok, detail) => {
      readyAt.push({done, seconds: (performance.now() - started) / 1000, ok});
      load.push(loadavg()[0]);
      log(`${done}/${total} at ${((performance.now() - started) / 1000).toFixed(1)}s: ${item} ${ok ? 'ready' : `FAILED: ${detail}`}`);
    },
  });
  const allSeconds = (performance.now() - started) / 1000;
  const ps = execFileSync('ps', ['-eo', 'pid,rss,args'], {encoding: 'utf8'}).split('\n');
  const perVm = [];
  for (const student of roster.students) {
    const record = await readLibvirtRecord(classVmName(student));
    if (!record) continue;
    const line = ps.find((l) => l.includes(`guest=${record.domain},`));
    const rssMiB = line ? Number(line.trim().split(/\s+/)[1]) / 1024 : undefined;
    const info = await virsh(record.host.uri, ['vol-info', '--pool', record.host.pool.name, '--bytes', record.volumes.disk]);
    const allocation = Number(/Allocation:\s+(\d+)/.exec(info)?.[1] ?? NaN);
    perVm.push({vm: record.name, host: record.host.name, sshReadySeconds: record.readyMs / 1000, engineReadySeconds: record.engineReadyMs / 1000, rssMiB, diskMiB: allocation / 2 ** 20});
  }
  const median = (xs) => {
    const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
  };
  report = {
    vms: n,
    ready: vms.filter((v) => v.state === 'running').length,
    concurrency: Number(opts.concurrency),
    memoryMiB: hosts.vm.memoryMiB,
    cpus: hosts.vm.cpus,
    readyMeans: opts['no-engine-wait'] ? 'ssh' : 'ssh and engine',
    allReadySeconds: Math.round(allSeconds * 10) / 10,
    readyAtSeconds: readyAt.map((r) => Math.round(r.seconds * 10) / 10),
    medianRssMiB: Math.round(median(perVm.map((v) => v.rssMiB))),
    medianDiskMiB: Math.round(median(perVm.map((v) => v.diskMiB)) * 10) / 10,
    imageMiB: Math.round((image.sizes.base + image.sizes.vmlinux) / 2 ** 20),
    loadAverage: {min: Math.min(...load), max: Math.max(...load)},
    perVm,
  };
} finally {
  await cleanup();
}
if (opts.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`${report.ready}/${report.vms} VMs (${report.memoryMiB} MiB, ${report.cpus} vCPU, ${report.concurrency} at a time) all ready (${report.readyMeans}) in ${report.allReadySeconds}s`);
  console.log(`ready at (s): ${report.readyAtSeconds.join(', ')}`);
  console.log(`per VM: qemu RSS ${report.medianRssMiB} MiB (median), disk ${report.medianDiskMiB} MiB over the shared ${report.imageMiB} MiB image`);
  console.log(`load average during the run: ${report.loadAverage.min.toFixed(1)}-${report.loadAverage.max.toFixed(1)}`);
}
process.exit(report.ready === report.vms ? 0 : 1);
