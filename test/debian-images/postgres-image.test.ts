import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import anyTest, {type TestFn} from 'ava';
import {runCommand} from '../helpers/cli.js';
import {startTestEngine, type TestEngine} from '../helpers/engine.js';
import {hasCommand, isRoot, when} from '../helpers/needs.js';
import {waitFor} from '../helpers/wait.js';
import {courseImage, freePort, loadCourseImage} from './course-image-engine.js';

// Seed 000's postgres, typed as the lecture types it: without a password it refuses with the official image's
// words; with one, `-p` and a `-v` data folder, psql from the host reaches it and the data outlives the container.

const test = anyTest as TestFn;
const needs = when(
  {'needs root': isRoot, 'needs debootstrap': hasCommand('debootstrap'), 'needs runc': hasCommand('runc'), 'needs psql (postgresql-client)': hasCommand('psql')},
  test.serial,
);

let engine: TestEngine | undefined;
test.before(async () => {
  if (!isRoot || !hasCommand('debootstrap') || !hasCommand('runc') || !hasCommand('psql')) return;
  engine = await startTestEngine();
  await loadCourseImage(engine, 'postgres');
});
test.after.always(async () => {
  await engine?.stop();
});

const psql = (port: number, sql: string) =>
  runCommand('psql', ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], {PGPASSWORD: 'password', PGCONNECT_TIMEOUT: '3'}, 30_000);

needs('docker run postgres without a password prints the official message and exits non-zero', async (t) => {
  const r = await engine!.docker(['run', '--rm', 'postgres']);
  t.not(r.code, 0);
  t.regex(r.stderr, /Error: Database is uninitialized and superuser password is not specified\.\n\s+You must specify POSTGRES_PASSWORD to a non-empty value for the\n\s+superuser\. For example, "-e POSTGRES_PASSWORD=password" on "docker run"\./);
  t.regex(r.stderr, /POSTGRES_HOST_AUTH_METHOD=trust/);
});

needs('the image declares what the official one does: volume, port, entrypoint, stop signal, package labels', async (t) => {
  const {result, seconds} = await courseImage('postgres');
  t.log(`postgres image: built or taken from the cache in ${seconds.toFixed(1)} s`);
  const r = await engine!.docker(['image', 'inspect', 'postgres', '--format', '{{.Size}} {{json .Config}}']);
  t.is(r.code, 0, r.stderr);
  const [size] = r.stdout.split(' ', 1);
  const config = JSON.parse(r.stdout.slice(size!.length + 1)) as {Volumes: Record<string, unknown>; ExposedPorts: Record<string, unknown>; Entrypoint: string[]; Cmd: string[]; StopSignal: string; Labels: Record<string, string>};
  t.log(`postgres image: ${(Number(size) / 1e6).toFixed(0)} MB, ${result.imageId.slice(0, 19)}`);
  t.deepEqual(Object.keys(config.Volumes), ['/var/lib/postgresql/data']);
  t.deepEqual(Object.keys(config.ExposedPorts), ['5432/tcp']);
  t.deepEqual(config.Entrypoint, ['docker-entrypoint.sh']);
  t.deepEqual(config.Cmd, ['postgres']);
  t.is(config.StopSignal, 'SIGINT');
  t.regex(config.Labels['lab.debian.packages'] ?? '', /(^| )postgresql-15=15\.\d+-\S+( |$)/);
  t.is(config.Labels['lab.debian.suite'], 'bookworm');
});

needs('with a password, -p and -v: psql from the host makes a table that a new container on the same folder still has', async (t) => {
  const data = await mkdtemp(join(tmpdir(), 'lab-pgdata-'));
  t.teardown(() => rm(data, {recursive: true, force: true}));
  const run = async (name: string) => {
    const port = await freePort();
    const r = await engine!.docker(['run', '-d', '--name', name, '-p', `127.0.0.1:${port}:5432`, '-v', `${data}:/var/lib/postgresql/data`, '-e', 'POSTGRES_PASSWORD=password', 'postgres']);
    t.is(r.code, 0, r.stderr);
    await waitFor(async () => (await psql(port, 'select 1')).code === 0, {timeoutMs: 90_000, intervalMs: 500, what: `postgres answering psql on 127.0.0.1:${port}`});
    return port;
  };

  const first = await run('pg-first');
  const logs = await engine!.docker(['logs', 'pg-first']);
  t.regex(logs.stdout + logs.stderr, /fixing permissions on existing directory \/var\/lib\/postgresql\/data \.\.\. ok/);
  t.regex(logs.stdout + logs.stderr, /PostgreSQL init process complete; ready for start up\./);
  const create = await psql(first, "create table lecture (topic text); insert into lecture values ('volumes')");
  t.is(create.code, 0, create.stderr);
  t.is((await engine!.docker(['stop', 'pg-first'])).code, 0);
  t.is((await engine!.docker(['rm', 'pg-first'])).code, 0);

  const second = await run('pg-second');
  const again = await engine!.docker(['logs', 'pg-second']);
  t.regex(again.stdout + again.stderr, /Skipping initialization/);
  const read = await psql(second, 'select topic from lecture');
  t.is(read.code, 0, read.stderr);
  t.is(read.stdout.trim(), 'volumes');
  t.is((await engine!.docker(['rm', '-f', 'pg-second'])).code, 0);
});
