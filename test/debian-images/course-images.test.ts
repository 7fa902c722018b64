import anyTest, {type TestFn} from 'ava';
import {startTestEngine, type TestEngine} from '../helpers/engine.js';
import {hasCommand, isRoot, when} from '../helpers/needs.js';
import {courseImage, loadCourseImage} from './course-image-engine.js';

// The small course images as the lectures use them, loaded into labd and run with the docker CLI.

const test = anyTest as TestFn;
const ready = isRoot && hasCommand('runc') && hasCommand('gcc');
const needs = when({'needs root': isRoot, 'needs runc': hasCommand('runc'), 'needs gcc (hello-world is compiled at build time)': hasCommand('gcc')});

let engine: TestEngine | undefined;
test.before(async () => {
  if (!ready) return;
  engine = await startTestEngine();
  for (const name of ['hello-world', 'alpine', 'busybox']) await loadCourseImage(engine, name);
});
test.after.always(async () => {
  await engine?.stop();
});

needs('docker run hello-world prints the hello, says it is the course image, and exits 0', async (t) => {
  const r = await engine!.docker(['run', '--rm', 'hello-world']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^\nHello from Docker!\nThis message shows that your installation appears to be working correctly\.\n/);
  t.regex(r.stdout, /the course's own image: a small static C program/);
  t.regex(r.stdout, /To generate this message, Docker took the following steps:/);
  const {result, seconds} = await courseImage('hello-world');
  const inspect = await engine!.docker(['image', 'inspect', 'hello-world', '--format', '{{.Size}} {{index .Config.Labels "lab.toolchain"}}']);
  t.log(`hello-world: ${inspect.stdout.trim()} (bytes, toolchain), ${seconds.toFixed(1)} s, ${result.imageId.slice(0, 19)}`);
  t.regex(inspect.stdout, /^\d+ gcc=\S+ libc6-dev=\S+$/m);
  t.true(Number(inspect.stdout.split(' ')[0]) < 2_000_000, 'one static binary, nothing else');
});

needs('docker run -i alpine: ash with ps, ip a, ifconfig and du as seed 000 uses them; os-release says it is a stand-in', async (t) => {
  const r = await engine!.docker(['run', '-i', '--rm', 'alpine'], 'echo shell=$0\nps\nip a\nifconfig\ndu -s /etc\ncat /etc/os-release\nexit\n');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /shell=\/bin\/sh/);
  t.regex(r.stdout, /PID\s+USER\s+COMMAND\n\s+1 root\s+\/bin\/sh\n/);
  t.regex(r.stdout, /\d+: eth0@if\d+: <BROADCAST,MULTICAST,UP,LOWER_UP/);
  t.regex(r.stdout, /eth0\s+Link encap:Ethernet/);
  t.regex(r.stdout, /inet addr:\d+\.\d+\.\d+\.\d+/);
  t.regex(r.stdout, /^\d+\s+\/etc$/m);
  t.regex(r.stdout, /PRETTY_NAME="Course stand-in for Alpine Linux: BusyBox from Debian's busybox-static, no apk"/);
  const ash = await engine!.docker(['run', '--rm', 'alpine', 'ash', '-c', 'echo ash works']);
  t.is(ash.stdout, 'ash works\n', ash.stderr);
  const labels = await engine!.docker(['image', 'inspect', 'alpine', '--format', '{{json .Config.Labels}}']);
  const parsed = JSON.parse(labels.stdout) as Record<string, string>;
  t.is(parsed['lab.stand-in-for'], 'alpine');
  t.regex(parsed['org.opencontainers.image.description'] ?? '', /not Alpine Linux/);
  t.regex(parsed['lab.debian.packages'] ?? '', /^busybox-static=1:1\.\d/);
});

needs('busybox keeps working as before, now labelled with its package', async (t) => {
  const r = await engine!.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo hi']);
  t.is(r.stdout, 'hi\n', r.stderr);
  const labels = await engine!.docker(['image', 'inspect', 'busybox', '--format', '{{index .Config.Labels "lab.debian.packages"}}']);
  t.regex(labels.stdout, /^busybox-static=1:1\.\d/);
});
