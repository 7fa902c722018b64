/**
 * A bad archive given to `docker load` is answered as dockerd answers it: status 200, the error as the JSON
 * stream's last message, which the docker CLI prints as the load's error (without "Error response from daemon").
 */
import test from 'ava';
import {apiRequest} from '../helpers/api-request.js';
import {makeImageArchive, makeTar} from '../helpers/archive.js';
import {startTestEngine, type TestEngine} from '../helpers/engine.js';
import {when} from '../helpers/needs.js';
import {needsDockerd, startReferenceDockerd} from '../helpers/reference-dockerd.js';

const garbage = Buffer.from('this is not a tar archive at all, just some text\n'.repeat(40));
const escaping = async () => (await makeImageArchive({layers: [await makeTar([{name: 'a', content: 'a'}])], manifest: (m) => ({...m, Config: '../../../../etc/passwd'})})).archive;
/** A config dockerd's Go types cannot read: Env must be a list of strings. */
const stringEnv = async () => (await makeImageArchive({layers: [await makeTar([{name: 'a', content: 'a'}])], repoTags: ['env:1'], config: {config: {Env: 'PATH=/bin'}}})).archive;
const truncated = async () => {
  const {archive} = await makeImageArchive({layers: [await makeTar([{name: 'a', content: 'x'.repeat(100_000)}])], repoTags: ['trunc:1']});
  return archive.subarray(0, Math.floor(archive.length / 2));
};

interface Engineish {
  socket: string;
  docker(args: string[], input?: Buffer | string): Promise<{code: number; stdout: string; stderr: string}>;
}

/** The API's answer and the CLI's, for each bad archive. */
async function refusals(engine: Engineish) {
  const out = [];
  for (const [what, archive] of [['garbage', garbage], ['an escaping Config path', await escaping()], ['a truncated archive', await truncated()], ['a config with a string for Env', await stringEnv()]] as const) {
    const api = await apiRequest(engine.socket, 'POST', '/v1.41/images/load?quiet=1', {body: archive, contentType: 'application/x-tar'});
    const lines = api.body.trim().split('\n').map((l) => JSON.parse(l) as {error?: string; errorDetail?: {message: string}});
    const last = lines.at(-1)!;
    const cli = await engine.docker(['load'], archive);
    out.push({what, status: api.status, message: last.errorDetail?.message ?? '', error: last.error, cli});
  }
  return out;
}

/** dockerd names its random staging dir in some messages. */
const stable = (message: string) => message.trim().replace(/docker-import-\d+/g, 'docker-import-N');

function checkShape(t: import('ava').ExecutionContext, results: Awaited<ReturnType<typeof refusals>>) {
  for (const r of results) {
    t.is(r.status, 200, r.what);
    t.truthy(r.message, `${r.what}: the stream ends with an error`);
    t.is(r.error, r.message, r.what);
    t.is(r.cli.code, 1, `${r.what}: the CLI fails`);
    t.is(stable(r.cli.stderr), stable(r.message), `${r.what}: the CLI prints the stream's error as is`);
  }
}

let engine: TestEngine | undefined;
test.after.always(async () => engine?.stop());

test('a bad archive: 200, the error in the stream, the CLI prints it as is', async (t) => {
  engine = await startTestEngine();
  const results = await refusals(engine);
  checkShape(t, results);
  t.regex(results[0].message, /^invalid image archive: /);
  t.regex(results[1].message, /outside the archive/);
  t.regex(results[3].message, /^invalid image archive: .*config\.Env: must be a list of strings/);
  t.is((await engine.docker(['images', '-q'])).stdout.trim(), '', 'nothing was loaded');
});

when(needsDockerd)('dockerd answers the same archives the same way', async (t) => {
  const dockerd = await startReferenceDockerd();
  try {
    checkShape(t, await refusals(dockerd));
  } finally {
    await dockerd.stop();
  }
});
