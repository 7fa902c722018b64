/**
 * `POST /volumes/prune` removes what dockerd removes for the client's API version: before 1.42 every unused volume,
 * named or anonymous; from 1.42 only anonymous ones unless the `all=true` filter. SpaceReclaimed counts their bytes.
 */
import test from 'ava';
import {apiRequest} from '../../helpers/api-request.js';
import {bothEngines} from '../../helpers/both-engines.js';
import {when} from '../../helpers/needs.js';
import {needsDockerd} from '../../helpers/reference-dockerd.js';

const engines = bothEngines(test);

interface Engineish {
  socket: string;
  docker(args: string[]): Promise<{code: number; stdout: string; stderr: string}>;
}

/** A named volume holding 100000 bytes, an anonymous one (left by a removed container) holding 5, one in use. */
async function makeVolumes(engine: Engineish, suffix: string): Promise<{anonymous: string}> {
  for (const args of [
    ['volume', 'create', `named-${suffix}`],
    ['run', '--rm', '-v', `named-${suffix}:/n`, 'busybox', 'sh', '-c', 'head -c 100000 /dev/zero > /n/z'],
    ['run', '--name', `anon-${suffix}`, '-v', '/anon', 'busybox', 'sh', '-c', 'echo data > /anon/f'],
    ['volume', 'create', `used-${suffix}`],
    ['create', '--name', `user-${suffix}`, '-v', `used-${suffix}:/u`, 'busybox', 'true'],
  ]) {
    const r = await engine.docker(args);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  }
  const anonymous = JSON.parse((await engine.docker(['inspect', `anon-${suffix}`])).stdout)[0].Mounts[0].Name as string;
  await engine.docker(['rm', `anon-${suffix}`]);
  return {anonymous};
}

const prune = async (engine: Engineish, path: string) => {
  const r = await apiRequest(engine.socket, 'POST', path);
  return {status: r.status, body: r.json as {VolumesDeleted: string[] | null; SpaceReclaimed: number}};
};
const names = async (engine: Engineish) => (await engine.docker(['volume', 'ls', '-q'])).stdout.split('\n').filter(Boolean).sort();

when(needsDockerd, test.serial)('API 1.41: unused named and anonymous volumes go, as on dockerd, with the same SpaceReclaimed', async (t) => {
  const results = [];
  for (const engine of [engines.dockerd, engines.labd]) {
    const {anonymous} = await makeVolumes(engine, 'a');
    const answer = await prune(engine, '/v1.41/volumes/prune');
    t.is(answer.status, 200);
    t.deepEqual([...(answer.body.VolumesDeleted ?? [])].sort(), [anonymous, 'named-a'].sort());
    t.deepEqual(await names(engine), ['used-a'], 'the volume a container refers to stays');
    results.push(answer.body.SpaceReclaimed);
    await engine.docker(['rm', 'user-a']);
    await engine.docker(['volume', 'rm', 'used-a']);
  }
  t.is(results[1], results[0], 'labd reports what dockerd reports');
  t.is(results[0], 100_005);
});

when(needsDockerd, test.serial)('API 1.41: a label filter selects named volumes too', async (t) => {
  for (const engine of [engines.dockerd, engines.labd]) {
    await engine.docker(['volume', 'create', '--label', 'course=x', 'labelled']);
    await engine.docker(['volume', 'create', 'plain']);
    const answer = await prune(engine, `/v1.41/volumes/prune?filters=${encodeURIComponent(JSON.stringify({label: ['course']}))}`);
    t.deepEqual(answer.body.VolumesDeleted, ['labelled']);
    t.deepEqual(await names(engine), ['plain']);
    await engine.docker(['volume', 'rm', 'plain']);
  }
});

test.serial('API 1.42 and later: only anonymous volumes, unless all=true', async (t) => {
  const engine = engines.labd;
  const {anonymous} = await makeVolumes(engine, 'b');
  const first = await prune(engine, '/v1.43/volumes/prune');
  t.deepEqual(first.body.VolumesDeleted, [anonymous]);
  t.is(first.body.SpaceReclaimed, 5);
  t.deepEqual(await names(engine), ['named-b', 'used-b']);
  const all = await prune(engine, `/v1.43/volumes/prune?filters=${encodeURIComponent(JSON.stringify({all: ['true']}))}`);
  t.deepEqual(all.body.VolumesDeleted, ['named-b']);
  t.is(all.body.SpaceReclaimed, 100_000);
  t.deepEqual(await names(engine), ['used-b']);
});

when(needsDockerd, test.serial)('build prune answers as dockerd with nothing to delete', async (t) => {
  const answers = [];
  for (const engine of [engines.dockerd, engines.labd]) answers.push((await apiRequest(engine.socket, 'POST', '/v1.41/build/prune')).json);
  t.deepEqual(answers[1], answers[0]);
});
