/**
 * cgroup-parent: a daemon.json cgroup-parent (or `docker run --cgroup-parent`) puts containers' cgroups under
 * it, so limits set on the parent bound them all together — build steps included. Stats and OOM reports read
 * the cgroup the container is really in.
 */
import {mkdirSync, readFileSync, rmdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {cgroupDirsOf, containerCgroup, v1Mounts} from '../../../src/engine/runtime/cgroups.js';
import {cgroupMode} from '../../../src/engine/util/cgroup-mode.js';
import {busyboxArchive} from '../../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';

const parent = `/lab-test-parent-${process.pid}`;
const other = `/lab-test-other-${process.pid}`;
let engine: TestEngine;

/** The parent's directory for the pids controller, made here with a limit of its own. */
function pidsDir(path: string): string {
  return cgroupMode() === 'v2' ? join('/sys/fs/cgroup', path) : join(v1Mounts().get('pids')!, path);
}

test.before(async () => {
  engine = await startTestEngine({daemonJson: {'cgroup-parent': parent}});
  const load = await engine.docker(['load', '-i', (await busyboxArchive('docker')).path]);
  if (load.code !== 0) throw new Error(load.stderr);
});
test.after.always(async () => {
  await engine?.docker(['rm', '-f', 'under-parent', 'under-other']);
  await engine?.stop();
  for (const p of [parent, other]) {
    for (const dir of cgroupDirsOf(p)) {
      try {
        rmdirSync(dir);
      } catch {
        // not made in this hierarchy, or already gone
      }
    }
  }
});

const cgroupOf = (pid: number) => readFileSync(`/proc/${pid}/cgroup`, 'utf8');
const pidOf = async (name: string) => Number((await engine.docker(['inspect', '-f', '{{.State.Pid}}', name])).stdout.trim());

test.serial('daemon.json cgroup-parent: the container is in <parent>/<id>, and docker stats still reads it', async (t) => {
  const run = await engine.docker(['run', '-d', '--name', 'under-parent', '--memory', '64m', 'busybox', 'sleep', '300']);
  t.is(run.code, 0, run.stderr);
  const id = run.stdout.trim();
  t.regex(cgroupOf(await pidOf('under-parent')), new RegExp(`${parent}/${id}\\n`));
  t.is(containerCgroup(id, `${parent}/${id}`).dir('memory')?.endsWith(`${parent}/${id}`), true);
  const stats = await engine.docker(['stats', '--no-stream', '--format', '{{.MemUsage}}', 'under-parent']);
  t.regex(stats.stdout, /\/ 64MiB/, 'the memory limit is read from the container\'s real cgroup');
});

test.serial('docker run --cgroup-parent wins over the daemon\'s; a path that climbs out is refused', async (t) => {
  const run = await engine.docker(['run', '-d', '--name', 'under-other', '--cgroup-parent', other, 'busybox', 'sleep', '300']);
  t.is(run.code, 0, run.stderr);
  t.regex(cgroupOf(await pidOf('under-other')), new RegExp(`${other}/${run.stdout.trim()}\\n`));
  const bad = await engine.docker(['run', '--rm', '--cgroup-parent', '../../escape', 'busybox', 'true']);
  t.not(bad.code, 0);
  t.regex(bad.stderr, /invalid --cgroup-parent: "\.\.\/\.\.\/escape" is not a cgroup path/);
});

test.serial('a pids limit on the parent bounds a build step that forks without end', async (t) => {
  // The parent exists before any container of it, with 24 processes for all of them together.
  const dir = pidsDir(parent);
  mkdirSync(dir, {recursive: true});
  if (cgroupMode() === 'v2') writeFileSync('/sys/fs/cgroup/cgroup.subtree_control', '+pids');
  writeFileSync(join(dir, 'pids.max'), '24');
  const context = join(engine.dir, 'forky');
  mkdirSync(context, {recursive: true});
  // Starts sleepers, saying so before each; busybox sh gives up when a fork fails, which fails the step.
  writeFileSync(join(context, 'Dockerfile'), 'FROM busybox\nRUN for i in $(seq 1 100); do echo "forking $i"; sleep 60 & done; echo "all 100 started"\n');
  const build = await engine.docker(['build', '-t', 'forky', context]);
  const reached = Math.max(0, ...[...build.stdout.matchAll(/^forking (\d+)$/gm)].map((m) => Number(m[1])));
  t.log(`the step got to fork number ${reached} under a parent limit of 24`);
  t.true(reached > 1 && reached <= 24, build.stdout.slice(-600));
  t.notRegex(build.stdout, /^all 100 started$/m);
  t.not(build.code, 0, 'a step whose shell could not fork fails the build');
});

test('a cgroup-parent that is not a cgroup path stops the daemon with the key named', async (t) => {
  const error = await t.throwsAsync(startTestEngine({daemonJson: {'cgroup-parent': '/a/../../b'}}));
  // (the message arrives JSON-encoded from `lab engine start --json`)
  t.regex(JSON.parse(error!.message.replace(/^[^{]*/, '')).error.message, /daemon\.json: key "cgroup-parent": "\/a\/\.\.\/\.\.\/b" is not a cgroup path/);
});
