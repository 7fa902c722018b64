import anyTest, {type TestFn} from 'ava';
import {runCommand} from '../helpers/cli.js';
import {startTestEngine, type TestEngine} from '../helpers/engine.js';
import {hasCommand, isRoot, when} from '../helpers/needs.js';
import {waitFor} from '../helpers/wait.js';
import {courseImage, freePort, loadCourseImage} from './course-image-engine.js';

// redis (seed 004's `docker run -d redis`), nginx and python, each built once from its recipe (debootstrap,
// cached) and run as the official images run.

const test = anyTest as TestFn;
const ready = isRoot && hasCommand('debootstrap') && hasCommand('runc');
const needs = when({'needs root': isRoot, 'needs debootstrap': hasCommand('debootstrap'), 'needs runc': hasCommand('runc')}, test.serial);

let engine: TestEngine | undefined;
test.before(async () => {
  if (ready) engine = await startTestEngine();
});
test.after.always(async () => {
  await engine?.stop();
});

async function sizeAndLabels(name: string): Promise<{size: number; labels: Record<string, string>}> {
  const r = await engine!.docker(['image', 'inspect', name, '--format', '{{.Size}} {{json .Config.Labels}}']);
  const [size] = r.stdout.split(' ', 1);
  return {size: Number(size), labels: JSON.parse(r.stdout.slice(size!.length + 1)) as Record<string, string>};
}

needs('docker run -d redis: redis-cli in a second container reaches it and gets PONG; it runs as redis in /data', async (t) => {
  await loadCourseImage(engine!, 'redis');
  const {seconds} = await courseImage('redis');
  const {size, labels} = await sizeAndLabels('redis');
  t.log(`redis: ${(size / 1e6).toFixed(0)} MB, build or cache ${seconds.toFixed(1)} s`);
  t.regex(labels['lab.debian.packages'] ?? '', /(^| )redis-server=5:7\.\d/);
  const run = await engine!.docker(['run', '-d', '--name', 'redis-1', 'redis']);
  t.is(run.code, 0, run.stderr);
  // By address on the default bridge: protected mode is off, so a client from another container is let in.
  const ip = (await engine!.docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'redis-1'])).stdout.trim();
  t.regex(ip, /^\d+\.\d+\.\d+\.\d+$/);
  const ping = await waitFor(async () => (await engine!.docker(['run', '--rm', 'redis', 'redis-cli', '-h', ip, 'ping'])).stdout.trim(), {
    timeoutMs: 60_000, intervalMs: 500, what: `PONG from redis-1 at ${ip}`, until: (out) => out === 'PONG',
  });
  t.is(ping, 'PONG');
  const who = await engine!.docker(['exec', 'redis-1', 'sh', '-c', 'stat -c %U /proc/1; stat -c %U .; pwd']);
  t.deepEqual(who.stdout.trim().split('\n'), ['redis', 'redis', '/data']);
  await engine!.docker(['rm', '-f', 'redis-1']);
});

needs('docker run -p PORT:80 nginx serves Debian\'s welcome page; the access log goes to docker logs', async (t) => {
  await loadCourseImage(engine!, 'nginx');
  const {seconds} = await courseImage('nginx');
  const {size} = await sizeAndLabels('nginx');
  t.log(`nginx: ${(size / 1e6).toFixed(0)} MB, build or cache ${seconds.toFixed(1)} s`);
  const port = await freePort();
  t.is((await engine!.docker(['run', '-d', '--name', 'web', '-p', `127.0.0.1:${port}:80`, 'nginx'])).code, 0);
  const page = await waitFor(async () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text(), () => ''), {timeoutMs: 60_000, intervalMs: 300, what: `nginx on 127.0.0.1:${port}`});
  t.regex(page, /Welcome to nginx!/);
  const logs = await waitFor(async () => (await engine!.docker(['logs', 'web'])).stdout, {timeoutMs: 10_000, what: 'the access log line in docker logs', until: (out) => /"GET \/ HTTP\/1\.1" 200/.test(out)});
  t.regex(logs, /"GET \/ HTTP\/1\.1" 200/);
  await engine!.docker(['rm', '-f', 'web']);
});

needs('docker run python: python and pip are there, Debian\'s externally-managed marker gone, no manual pages or translations', async (t) => {
  await loadCourseImage(engine!, 'python');
  const {seconds} = await courseImage('python');
  const {size, labels} = await sizeAndLabels('python');
  t.log(`python: ${(size / 1e6).toFixed(0)} MB, build or cache ${seconds.toFixed(1)} s`);
  t.regex(labels['lab.debian.packages'] ?? '', /(^| )python3\.11=3\.11\.\d/);
  const r = await engine!.docker(['run', '--rm', 'python', 'sh', '-c', 'python -c "import sys; print(sys.version_info[:2])"; pip --version; find /usr/share/man /usr/share/locale -type f | wc -l; ls /usr/share/doc/python3 ; test ! -e /usr/lib/python3.11/EXTERNALLY-MANAGED && echo managed-by-pip']);
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.is(lines[0], '(3, 11)');
  t.regex(lines[1]!, /^pip \d+/);
  t.is(lines[2], '0');
  t.is(lines[3], 'copyright');
  t.is(lines[4], 'managed-by-pip');
  const stdin = await runCommand('docker', ['run', '-i', '--rm', 'python'], {DOCKER_HOST: engine!.host}, 60_000, 'print(6 * 7)\n');
  t.is(stdin.stdout.trim(), '42', stdin.stderr);
});
