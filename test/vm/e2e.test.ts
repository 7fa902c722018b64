/**
 * End to end: build the lab VM image (cached after the first run), boot a VM through the qemu provider, pull
 * hello-world, busybox and redis from the course registry baked into it, run containers with the stock docker CLI inside, read their namespaces
 * through Environment.exec, then destroy the VM and check that nothing of it is left. Skipped with LAB_SKIP_VM=1.
 */
import {mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {connect} from 'node:net';
import test from 'ava';
import {QemuProvider} from '../../src/lab/providers/qemu.js';
import type {Environment} from '../../src/environment/environment.js';
import {buildImageArchive} from '../../src/debian-images/index.js';
import {buildVmImage, type VmImage} from '../../src/vm/build/index.js';
import {readVmRecord, vmDir, vmFiles} from '../../src/vm/record.js';
import {connectVm, destroyVm, startVm} from '../../src/vm/machine/lifecycle.js';
import {ensureWarmState} from '../../src/vm/machine/warm-state.js';
import {runLab} from '../helpers/cli.js';
import {when} from '../helpers/needs.js';
import {labInVm} from './lab-flow.js';
import {listenersOf} from './listener.js';

const vmTest = when({'LAB_SKIP_VM=1': process.env.LAB_SKIP_VM !== '1'}, test.serial);
const NAME = `e2e-${process.pid}`;
const NAMESPACES = ['pid', 'mnt', 'uts', 'ipc', 'net'];

/** Every process whose command line mentions the VM's folder (qemu, or anything it left behind). */
async function processesUsing(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(`${dir}/`)) found.push(`${pid}: ${cmdline.replace(/\0/g, ' ').slice(0, 120)}`);
  }
  return found;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({host: '127.0.0.1', port});
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function ok(env: Environment, argv: string[], timeoutMs = 120_000): Promise<string> {
  const r = await env.exec(argv, {timeoutMs});
  if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

let image: VmImage;

vmTest('the VM image builds from Debian packages (cached after the first time)', async (t) => {
  t.timeout(40 * 60_000);
  const started = performance.now();
  image = await buildVmImage({onProgress: (p) => (p.step === 'debootstrap' || p.step === 'disk' || p.step === 'cached' ? t.log(`${p.step}: ${p.message}`) : undefined)});
  t.log(`${image.cached ? 'cached' : 'built'} in ${((performance.now() - started) / 1000).toFixed(1)}s; base ${(image.sizes.base / 1048576).toFixed(0)} MiB`);
  t.true((await stat(image.base)).size > 0);
  // The course registry's images are most of it (gzip layers, which qcow2's zstd cannot shrink further).
  t.true(image.sizes.base < 900 * 1048576, 'the compressed base disk stays under 900 MB');
  // The started VM saved once, that lab VMs resume from (made by the first lab start or lab vm build).
  const savedAt = performance.now();
  const warm = await ensureWarmState(image, (m) => t.log(m));
  t.truthy(warm, 'the image has a warm state');
  t.log(`warm state ready in ${((performance.now() - savedAt) / 1000).toFixed(1)} s`);
  const baked = new Set(image.courseRegistry?.images.map((i) => i.recipe));
  for (const name of ['alpine', 'busybox', 'debian', 'hello-world', 'nginx', 'postgres', 'python', 'redis']) t.true(baked.has(name), `${name} is in the VM's course registry`);
});

vmTest('a VM boots, runs containers in its own namespaces, and is destroyed without a trace', async (t) => {
  t.timeout(20 * 60_000);
  if (!image) image = await buildVmImage();
  // Booted, not resumed: the boot path (initramfs keys, SSH then the engine) stays tested; the labs below resume.
  const provider = new QemuProvider({image, boot: true});
  const dir = vmDir(NAME);
  let env: Environment | undefined;
  t.teardown(async () => {
    await env?.close().catch(() => undefined);
    await provider.destroy(NAME).catch(() => undefined);
  });

  const bootStarted = performance.now();
  env = await provider.start({name: NAME, workdir: '/root/lab26', onProgress: (m) => t.log(m)});
  const record = (await readVmRecord(NAME))!;
  t.log(`SSH ready after ${record.readyMs} ms, engine after ${record.engineReadyMs} ms, start() took ${Math.round(performance.now() - bootStarted)} ms`);
  t.is(env.provider, 'qemu');
  t.is(String(await env.readFile('/etc/hostname')).trim(), NAME);
  t.is((await ok(env, ['pwd'])).trim(), '/root');
  t.is((await ok(env, ['sh', '-c', 'pwd'], undefined)).trim(), '/root');
  t.is((await env.exec(['test', '-d', '/root/lab26'])).code, 0);
  t.regex(await ok(env, ['stat', '-f', '-c', '%T', '/sys/fs/cgroup']), /cgroup2/);

  // The course registry baked into the image serves the lectures' commands as typed, with no network: a pull
  // through the mirror daemon.json names gives the very image the recipe built (same ID), and the images run.
  const pulled = performance.now();
  t.regex(await ok(env, ['docker', 'pull', 'hello-world']), /Status: Downloaded newer image for hello-world:latest/);
  t.is((await ok(env, ['docker', 'image', 'inspect', '-f', '{{.Id}}', 'hello-world'])).trim(), (await buildImageArchive('hello-world', {format: 'docker'})).imageId);
  t.regex(await ok(env, ['docker', 'run', '--rm', 'hello-world']), /^Hello from Docker!$/m);
  t.is(await ok(env, ['docker', 'run', '--rm', 'busybox', 'echo', 'hi']), 'hi\n', 'docker run of a missing image pulls it first');
  // Seed 003's command as typed (its proxy's shell is all the lecture uses; the course serves the alpine stand-in under that name).
  t.is(await ok(env, ['docker', 'run', '--rm', '-e', 'CLICKHOUSE_ADDR=127.0.0.1:9000', 'kaktuss/clickhouse-udp-proxy', 'ash', '-c', 'echo $CLICKHOUSE_ADDR']), '127.0.0.1:9000\n');
  // redis is one 86 MB layer: under TCG its pull (gunzip, digest, extraction in the VM) takes minutes on a busy host.
  const redis = (await ok(env, ['docker', 'run', '-d', 'redis'], 900_000)).trim();
  let pong = '';
  for (const deadline = Date.now() + 120_000; pong !== 'PONG' && Date.now() < deadline; ) {
    pong = (await env.exec(['docker', 'exec', redis, 'redis-cli', 'ping'], {timeoutMs: 30_000})).stdout.trim();
    if (pong !== 'PONG') await new Promise((r) => setTimeout(r, 500));
  }
  t.is(pong, 'PONG', 'redis from the course registry answers');
  await ok(env, ['docker', 'rm', '-f', redis]);
  t.log(`hello-world, busybox and redis pulled from the VM's course registry and run in ${Math.round(performance.now() - pulled)} ms`);

  const id = (await ok(env, ['docker', 'run', '-d', 'busybox', 'sleep', '60'])).trim();
  const pid = (await ok(env, ['docker', 'inspect', '-f', '{{.State.Pid}}', id])).trim();
  t.regex(pid, /^[1-9]\d*$/);
  const inodes = async (p: string) => (await ok(env!, ['readlink', ...NAMESPACES.map((ns) => `/proc/${p}/ns/${ns}`)])).trim().split('\n');
  const container = await inodes(pid);
  const host = await inodes('1');
  t.log(`container ${container.join(' ')}`);
  t.log(`VM host   ${host.join(' ')}`);
  NAMESPACES.forEach((ns, i) => {
    t.regex(container[i]!, new RegExp(`^${ns}:\\[\\d+\\]$`));
    t.not(container[i], host[i], `the container has its own ${ns} namespace`);
  });
  await ok(env, ['docker', 'rm', '-f', id]);

  // cgroup v2, as on a current distribution (the host here is hybrid v1): limits land in the container's own
  // cgroup (its namespace shows it as /), an OOM kill is exit 137 with OOMKilled, and stats read the v2 files.
  const limits = ['cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max'];
  t.is(await ok(env, ['docker', 'run', '--rm', '--memory', '32m', '--pids-limit', '10', '--cpus', '0.5', 'busybox', 'sh', '-c', ...limits]), '0::/\n33554432\n10\n50000 100000\n');
  t.is((await env.exec(['docker', 'run', '--name', 'oom', '--memory', '16m', 'busybox', 'sh', '-c', 'tail /dev/zero'], {timeoutMs: 120_000})).code, 137);
  t.is((await ok(env, ['docker', 'inspect', '-f', '{{.State.OOMKilled}}', 'oom'])).trim(), 'true');
  await ok(env, ['docker', 'rm', 'oom']);
  await ok(env, ['docker', 'run', '-d', '--name', 'st', '--memory', '64m', 'busybox', 'sleep', '60']);
  t.regex(await ok(env, ['docker', 'stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}']), /^st [\d.]+[KMG]iB \/ 64MiB$/m);
  await ok(env, ['docker', 'rm', '-f', 'st']);

  // The same VM as an existing SSH host: `lab doctor --provider ssh` checks it with its own lab, only the lab machine's part.
  const target = ['--provider', 'ssh', '--host', `root@127.0.0.1:${record.sshPort}`, '--key', vmFiles(dir).clientKey];
  const doctor = await runLab(['doctor', '--json', ...target, '--host-fingerprint', record.hostKeyFingerprint], {}, 300_000);
  const report = JSON.parse(doctor.stdout) as {ready: boolean; checks: Array<{id: string; status: string}>};
  t.true(report.ready, doctor.stdout);
  t.true(report.checks.some((c) => c.id === 'runc' && c.status === 'ok'));
  t.false(report.checks.some((c) => c.id === 'qemu-system-x86'), 'VM-building tools are not asked of a lab machine');
  // A whole lab over the ssh provider on that machine: files handed out there, checks read its state.
  const sshState = await mkdtemp(join(tmpdir(), 'lab-ssh-provider-'));
  t.teardown(() => rm(sshState, {recursive: true, force: true}));
  const pinned = [...target, '--host-fingerprint', record.hostKeyFingerprint];
  const overSsh = await runLab(['start', '26', '--json', ...pinned, '--dir', '/root/over-ssh'], {XDG_STATE_HOME: sshState}, 900_000);
  t.is(overSsh.code, 0, overSsh.stderr.slice(-2000));
  const graded = async () => (JSON.parse((await runLab(['check', '--json'], {XDG_STATE_HOME: sshState})).stdout) as {steps: Array<{id: string; done: boolean}>}).steps.find((s) => s.id === 'compile-dynamic')!.done;
  t.false(await graded());
  await ok(env, ['sh', '-c', 'cd /root/over-ssh && gcc -o hello_not_static hello.c']);
  t.true(await graded(), 'lab check over the ssh provider sees the compiled program');
  t.is((await runLab(['destroy'], {XDG_STATE_HOME: sshState})).code, 0);
  t.is((await env.exec(['test', '-f', '/root/over-ssh/hello.c'])).code, 0, 'an SSH host is never wiped');

  const wrongKey = await runLab(['doctor', ...target, '--host-fingerprint', `SHA256:${'A'.repeat(43)}`]);
  t.is(wrongKey.code, 1);
  const said = wrongKey.stderr.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ');
  t.true(said.includes(`pass --host-fingerprint ${record.hostKeyFingerprint}`), `an unknown host key is refused, with how to pin it: ${said}`);

  await env.close();
  env = undefined;
  const port = record.sshPort!;
  t.true(await portAnswers(port));
  t.true(listenersOf(port).some((c) => c.includes(dir)), 'qemu listens on the forwarded port');
  await provider.destroy(NAME);
  t.deepEqual(await processesUsing(dir), [], 'no qemu or other process of the VM is left');
  t.deepEqual(listenersOf(port).filter((c) => c.includes(dir)), [], 'the forwarded SSH port is closed (whoever took the number since is not the VM)');
  await t.throwsAsync(stat(dir), {code: 'ENOENT'}, 'the VM folder is gone');
  t.is(await provider.connect(NAME), undefined);
});

vmTest('two VMs resumed at once from the warm state are each their own machine: keys, name, clock, random IDs', async (t) => {
  t.timeout(10 * 60_000);
  if (!image) image = await buildVmImage();
  const warm = await ensureWarmState(image);
  if (!warm) return t.fail('no warm state to resume from');
  const names = [`${NAME}-a`, `${NAME}-b`];
  t.teardown(async () => void (await Promise.all(names.map((n) => destroyVm(n).catch(() => undefined)))));
  const started = await Promise.all(names.map((n) => startVm(n, {image, workdir: '/root'})));
  for (const s of started) {
    t.true(s.record.resumed, `${s.record.name} resumed`);
    t.is(s.engine, 'ready');
    const record = (await readVmRecord(s.record.name))!;
    t.log(`${record.name}: SSH after ${record.readyMs} ms, engine after ${record.engineReadyMs} ms`);
  }
  t.not(started[0]!.record.hostKeyFingerprint, started[1]!.record.hostKeyFingerprint);
  const seen = [];
  for (const s of started) {
    // connectVm pins the key generated for this VM: a VM still holding the saved machine's key is refused.
    const ssh = await connectVm(s.record);
    try {
      const before = Date.now();
      const channel = await ssh.exec('hostname; date +%s%N; docker volume create; cat /proc/sys/kernel/random/uuid; wc -l < /root/.ssh/authorized_keys; docker info -f \'{{.ID}} {{.Name}}\'');
      let out = '';
      channel.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number>((resolve) => {
        let status = -1;
        channel.on('exit', (c: number) => (status = c));
        channel.on('close', () => resolve(status));
      });
      const after = Date.now();
      t.is(code, 0);
      const [hostname, nanos, volume, uuid, keys, info] = out.trim().split('\n');
      t.is(hostname, s.record.name);
      const [engineId, engineName] = info!.split(' ');
      t.is(engineName, s.record.name, "docker info's Name is the VM's own, not the saved machine's");
      const guest = Number(BigInt(nanos!) / 1_000_000n);
      t.true(guest >= before - 1500 && guest <= after + 1500, `the guest's clock is the host's (guest ${guest}, host ${before}..${after})`);
      t.is(keys, '1', "only this VM's own client key is authorized");
      seen.push({volume, uuid, engineId});
    } finally {
      await ssh.close();
    }
  }
  t.not(seen[0]!.volume, seen[1]!.volume, "the engine's random IDs differ between VMs resumed from one saved engine");
  t.not(seen[0]!.uuid, seen[1]!.uuid, "the kernel's random generator differs too");
  t.not(seen[0]!.engineId, seen[1]!.engineId, "each VM's engine has an ID of its own (docker info's ID)");
});

vmTest('a saved machine qemu cannot load is booted instead, and says why', async (t) => {
  t.timeout(10 * 60_000);
  if (!image) image = await buildVmImage();
  const warm = await ensureWarmState(image);
  if (!warm) return t.fail('no warm state to start from');
  // The image as it is, but its saved memory damaged (as a state from another qemu build would fail to load).
  const copy = await mkdtemp(join(tmpdir(), 'lab-warm-broken-'));
  const name = `${NAME}-broken`;
  t.teardown(async () => {
    await destroyVm(name).catch(() => undefined);
    await rm(copy, {recursive: true, force: true});
  });
  await mkdir(join(copy, 'warm'));
  await writeFile(join(copy, 'warm', 'memory.zst'), 'not a saved machine');
  await writeFile(join(copy, 'warm', 'warm.json'), JSON.stringify({...warm, dir: join(copy, 'warm'), memory: join(copy, 'warm', 'memory.zst')}));
  const said: string[] = [];
  const started = await startVm(name, {image: {...image, dir: copy}, workdir: '/root', onProgress: (m) => said.push(m)});
  t.log(said.join('\n'));
  t.is(started.engine, 'ready');
  const record = (await readVmRecord(name))!;
  t.falsy(record.resumed);
  t.is(record.backing, undefined, 'its disk is over the image\'s own base now');
  t.true(said.some((m) => /could not resume from the saved VM \(.+\); booting it instead/.test(m)), said.join('\n'));
  t.true(said.some((m) => m.startsWith(`booting ${name}`)));
  const ssh = await connectVm(record);
  await ssh.close();
});

// One lab per lecture; all boot from the one image built above (cached), each in a VM of its own, one after another.
// One lab alone: npx ava test/vm/e2e.test.ts --match '*lab basics*' (the image is then built or found by that test).
for (const lab of ['26', 'arch', 'basics', 'namespaces', 'everyday']) {
  vmTest(`lab ${lab} in a VM with the default provider: start, solve inside, full marks from the host, destroy`, async (t) => {
    t.timeout(40 * 60_000);
    if (!image) image = await buildVmImage();
    const state = await mkdtemp(join(tmpdir(), `lab-vm-lab${lab}-`));
    // A failed step must not leave its VM running: destroy it (a no-op after lab destroy), then its state.
    t.teardown(async () => {
      await runLab(['vm', 'destroy', `lab${lab}`], {XDG_STATE_HOME: state}).catch(() => undefined);
      await rm(state, {recursive: true, force: true});
    });
    await labInVm(t, lab, {XDG_STATE_HOME: state, LAB_PROVIDER: ''});
  });
}
