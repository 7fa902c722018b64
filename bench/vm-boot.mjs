#!/usr/bin/env node
// Lab VM boot: time from `qemu` start to the guest's LAB-VM-READY banner (SSH answers) and to the engine's banner,
// median of N fresh VMs; then, after a short session (connect, docker load + run), the per-VM overlay's disk use
// and qemu's resident memory. Run by hand as root after `npm run build` (and `lab vm build`, else it builds first):
//   sudo node bench/vm-boot.mjs [--runs 5] [--json]
// The machine's other load matters a lot under TCG; the script prints the load average it ran under.
import {existsSync, readFileSync, statSync} from 'node:fs';
import {loadavg} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const {values: opts} = parseArgs({options: {runs: {type: 'string', default: '5'}, json: {type: 'boolean', default: false}, 'no-session': {type: 'boolean', default: false}}});
const runs = Number(opts.runs);

// dist/ mirrors src/ either directly or under dist/src, depending on the compiler's rootDir.
const distDir = ['dist/src', 'dist'].map((d) => join(root, d)).find((d) => existsSync(join(d, 'vm/machine/lifecycle.js')));
if (!distDir) throw new Error('build first: npm run build');
const {buildVmImage} = await import(join(distDir, 'vm/build/index.js'));
const {startVm, connectVm, destroyVm} = await import(join(distDir, 'vm/machine/lifecycle.js'));
const {vmFiles} = await import(join(distDir, 'vm/record.js'));
const {SshEnvironment} = await import(join(distDir, 'vm/ssh/environment.js'));
const {buildImageArchive} = await import(join(distDir, 'debian-images/index.js'));

const log = (message) => process.stderr.write(`${message}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

const buildStarted = performance.now();
const image = await buildVmImage({onProgress: (p) => log(`  ${p.step}: ${p.message}`)});
log(`image ${image.cached ? 'cached' : `built in ${((performance.now() - buildStarted) / 1000).toFixed(1)}s`}: base ${(image.sizes.base / 1048576).toFixed(0)} MiB, vmlinux ${(image.sizes.vmlinux / 1048576).toFixed(0)} MiB, initramfs ${(image.sizes.initramfs / 1048576).toFixed(1)} MiB`);
const busybox = opts['no-session'] ? undefined : readFileSync((await buildImageArchive('busybox', {format: 'docker'})).path);

const results = [];
const load = [loadavg()[0]];
// Ctrl-C or a kill between boots must not leave the VM of the current run behind.
let current;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: destroying ${current ?? 'nothing'} before exiting`);
    void (current ? destroyVm(current) : Promise.resolve()).catch(() => undefined).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}
for (let i = 0; i < runs; i++) {
  const name = `bench-${process.pid}-${i}`;
  current = name;
  try {
    const started = performance.now();
    const vm = await startVm(name, {image, waitForEngine: true});
    const total = performance.now() - started;
    const {record} = vm;
    const guestUp = Number(/LAB-VM-READY up=([\d.]+)/.exec(readFileSync(vmFiles(record.dir).serialLog, 'utf8'))?.[1] ?? NaN);
    const result = {readyMs: record.readyMs, engineMs: record.engineReadyMs, createAndEngineMs: Math.round(total), guestUpAtReady: guestUp, engine: vm.engine};
    if (busybox) {
      const env = new SshEnvironment({provider: 'qemu', id: name, workdir: '/root', connection: await connectVm(record)});
      const t0 = performance.now();
      const first = await env.exec(['true']);
      result.firstExecMs = Math.round(performance.now() - t0);
      if (first.code !== 0) throw new Error('exec true failed');
      await env.writeFile('/root/busybox.tar', busybox);
      const loaded = await env.exec(['docker', 'load', '-i', '/root/busybox.tar']);
      const t1 = performance.now();
      const hi = await env.exec(['docker', 'run', '--rm', 'busybox', 'echo', 'hi']);
      result.dockerRunMs = Math.round(performance.now() - t1);
      if (loaded.code !== 0 || hi.stdout !== 'hi\n') throw new Error(`docker in the VM failed: ${loaded.stderr}${hi.stderr}`);
      await env.exec(['sync']);
      await env.close();
    }
    result.overlayKiB = Math.round((statSync(vmFiles(record.dir).disk).blocks * 512) / 1024);
    result.qemuRssKiB = rssKiB(record.pid);
    results.push(result);
    log(`run ${i + 1}/${runs}: ready ${result.readyMs} ms (guest uptime ${guestUp}s), engine ${result.engineMs} ms, overlay ${(result.overlayKiB / 1024).toFixed(1)} MiB, qemu RSS ${(result.qemuRssKiB / 1024).toFixed(0)} MiB`);
  } catch (error) {
    // Killing the VM under a signal fails its boot: the signal handler reports and exits, not this.
    if (stopping) await new Promise(() => {});
    throw error;
  } finally {
    await destroyVm(name);
    current = undefined;
  }
  load.push(loadavg()[0]);
}

const summary = {
  accel: results[0] ? (await import(join(distDir, 'vm/accelerator.js'))).detectAccelerator().accel : undefined,
  runs: results.length,
  medianReadyMs: median(results.map((r) => r.readyMs)),
  minReadyMs: Math.min(...results.map((r) => r.readyMs)),
  maxReadyMs: Math.max(...results.map((r) => r.readyMs)),
  medianEngineMs: median(results.map((r) => r.engineMs)),
  medianGuestUpAtReady: median(results.map((r) => r.guestUpAtReady)),
  medianOverlayMiB: median(results.map((r) => r.overlayKiB)) / 1024,
  medianQemuRssMiB: median(results.map((r) => r.qemuRssKiB)) / 1024,
  medianDockerRunMs: busybox ? median(results.map((r) => r.dockerRunMs)) : undefined,
  loadAverage: load.map((l) => Number(l.toFixed(2))),
  image: {baseMiB: image.sizes.base / 1048576, vmlinuxMiB: image.sizes.vmlinux / 1048576, initramfsMiB: image.sizes.initramfs / 1048576},
  results,
};
if (opts.json) {
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
} else {
  console.log(`boot to SSH ready (qemu start → banner), median of ${summary.runs}: ${(summary.medianReadyMs / 1000).toFixed(2)} s (min ${(summary.minReadyMs / 1000).toFixed(2)}, max ${(summary.maxReadyMs / 1000).toFixed(2)}; guest uptime at ready ${summary.medianGuestUpAtReady} s)`);
  console.log(`engine ready (qemu start → banner): ${(summary.medianEngineMs / 1000).toFixed(1)} s`);
  if (busybox) console.log(`docker run --rm busybox echo hi inside: ${summary.medianDockerRunMs} ms`);
  console.log(`per-VM overlay after the session: ${summary.medianOverlayMiB.toFixed(1)} MiB; qemu RSS: ${summary.medianQemuRssMiB.toFixed(0)} MiB`);
  console.log(`accelerator ${summary.accel}; host load average during the runs: ${summary.loadAverage.join(' → ')}`);
}
