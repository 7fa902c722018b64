/**
 * labd and Debian's dockerd, sent the same docker commands against the same real registries (htpasswd Basic auth,
 * a Bearer token server, none): the same errors, the same login answers, the same pull progress.
 */
import test from 'ava';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {busyboxArchive} from '../../helpers/busybox.js';
import {runCommand, type CliResult} from '../../helpers/cli.js';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';
import {isRoot, when} from '../../helpers/needs.js';
import {needsDockerd, startReferenceDockerd, type ReferenceDockerd} from '../../helpers/reference-dockerd.js';
import {needsHtpasswd, needsRegistry, startRegistry, type TestRegistry} from '../../helpers/registry.js';
import {startTokenServer, type TokenServer} from '../../helpers/token-server.js';

const needs = {'needs root': isRoot, ...needsRegistry, ...needsHtpasswd, ...needsDockerd};
const serial = when(needs, test.serial);
let basic: TestRegistry;
let tokens: TokenServer;
let bearer: TestRegistry;
let plain: TestRegistry;
let labd: TestEngine;
let dockerd: ReferenceDockerd;
let refConfig: string;

test.before(async () => {
  if (!Object.values(needs).every(Boolean)) return;
  basic = await startRegistry({users: {student: 's3cret'}});
  tokens = await startTokenServer({name: 'student', password: 's3cret'});
  bearer = await startRegistry({token: {...tokens, user: ['student', 's3cret']}});
  plain = await startRegistry();
  const archive = (await busyboxArchive('docker')).path;
  for (const [registry, name] of [[basic, 'private/box:1'], [bearer, 'public/box:1'], [bearer, 'private/box:1'], [plain, 'box:1']] as const) {
    const put = await registry.put(`docker-archive:${archive}`, name);
    if (put.code !== 0) throw new Error(`skopeo: ${put.stderr}`);
  }
  labd = await startTestEngine();
  dockerd = await startReferenceDockerd();
  refConfig = mkdtempSync(join(tmpdir(), 'lab-ref-docker-config-'));
});

test.after.always(async () => {
  await labd?.stop();
  await dockerd?.stop();
  for (const r of [basic, bearer, plain]) await r?.stop();
  await tokens?.stop();
  if (refConfig) rmSync(refConfig, {recursive: true, force: true});
});

/** The same command to both engines; stdin closed so a login prompt can never wait. */
async function both(args: string[]): Promise<{labd: CliResult; dockerd: CliResult}> {
  const [a, b] = await Promise.all([labd.docker(args, ''), runCommand('docker', args, {DOCKER_HOST: `unix://${dockerd.socket}`, DOCKER_CONFIG: refConfig}, 300_000, '')]);
  return {labd: a, dockerd: b};
}

/** dockerd reports "Verifying Checksum" only when a download outlasts a timer tick: not part of the contract. */
const progressLines = (r: CliResult) => r.stdout.split('\n').filter((l) => !l.endsWith(': Verifying Checksum')).join('\n');

const errorLine = (r: CliResult) => r.stderr.split('\n').find((l) => l.startsWith('Error response from daemon:')) ?? r.stderr;

serial('Basic auth: a pull without login fails as dockerd does; a wrong login gets the same 401 words; a right one pulls', async (t) => {
  const image = `${basic.host}/private/box:1`;
  const anonymous = await both(['pull', image]);
  t.is(anonymous.labd.code, 1);
  t.is(anonymous.dockerd.code, 1);
  t.regex(errorLine(anonymous.labd), /no basic auth credentials$/);
  t.regex(errorLine(anonymous.dockerd), /no basic auth credentials$/);
  const wrong = await both(['login', '-u', 'student', '-p', 'wrong', basic.host]);
  t.is(wrong.labd.code, 1);
  t.is(errorLine(wrong.labd), errorLine(wrong.dockerd));
  t.regex(errorLine(wrong.labd), /failed with status: 401 Unauthorized/);
  const right = await both(['login', '-u', 'student', '-p', 's3cret', basic.host]);
  t.is(right.labd.code, 0, right.labd.stderr);
  t.regex(right.labd.stdout, /Login Succeeded/);
  const pull = await both(['pull', image]);
  t.is(pull.labd.code, 0, pull.labd.stderr);
  t.is(progressLines(pull.labd), progressLines(pull.dockerd));
});

serial('Bearer tokens: anonymous pulls where the token server allows, "pull access denied" where not, and a login opens the rest', async (t) => {
  const open = await both(['pull', `${bearer.host}/public/box:1`]);
  t.is(open.labd.code, 0, open.labd.stderr);
  t.is(progressLines(open.labd), progressLines(open.dockerd));
  const closed = await both(['pull', `${bearer.host}/private/box:1`]);
  t.is(closed.labd.code, 1);
  t.is(errorLine(closed.labd), errorLine(closed.dockerd));
  t.regex(errorLine(closed.labd), /pull access denied for .*private\/box, repository does not exist or may require 'docker login': denied: requested access to the resource is denied/);
  const wrong = await both(['login', '-u', 'student', '-p', 'wrong', bearer.host]);
  t.is(wrong.labd.code, 1);
  t.is(errorLine(wrong.labd), errorLine(wrong.dockerd));
  const right = await both(['login', '-u', 'student', '-p', 's3cret', bearer.host]);
  t.is(right.labd.code, 0, right.labd.stderr);
  const pull = await both(['pull', `${bearer.host}/private/box:1`]);
  t.is(pull.labd.code, 0, pull.labd.stderr);
  t.is(progressLines(pull.labd), progressLines(pull.dockerd));
  // The token was asked for the repository's pull scope, with the user's name.
  t.true(tokens.requests.some((r) => r.user === 'student' && r.scope.includes('repository:private/box:pull')));
});

serial('missing tags, repositories and registries, and search: the same errors as dockerd', async (t) => {
  for (const args of [['pull', `${plain.host}/nope`], ['pull', `${plain.host}/box:nope`], ['pull', '127.0.0.1:1/box:nope'], ['search', `${plain.host}/box`]]) {
    const r = await both(args);
    t.is(r.labd.code, r.dockerd.code, args.join(' '));
    t.is(errorLine(r.labd), errorLine(r.dockerd), args.join(' '));
  }
});

serial('the raw progress stream of a pull has dockerd\'s statuses in dockerd\'s order', async (t) => {
  const put = await plain.put(`docker-archive:${(await busyboxArchive('docker')).path}`, 'stream:1');
  t.is(put.code, 0, put.stderr);
  // Both stores emptied first, so the layer is really fetched.
  for (const engine of [labd.socket, dockerd.socket]) {
    const env = {DOCKER_HOST: `unix://${engine}`};
    const ids = (await runCommand('docker', ['images', '-q'], env)).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) t.is((await runCommand('docker', ['rmi', '-f', ...new Set(ids)], env)).code, 0);
  }
  const url = `http://x/images/create?fromImage=${plain.host}/stream&tag=1`;
  const statuses = async (socket: string) => {
    const r = await runCommand('curl', ['-s', '--unix-socket', socket, '-X', 'POST', url]);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as {status: string; id?: string});
    // Byte progress is timing; the sequence of distinct statuses is the contract.
    return lines.map((l) => l.status).filter((s, i, all) => s !== all[i - 1] && s !== 'Downloading' && s !== 'Extracting' && s !== 'Verifying Checksum');
  };
  const [a, b] = [await statuses(labd.socket), await statuses(dockerd.socket)];
  t.deepEqual(a, b);
  t.true(a.includes('Pull complete'));
});
