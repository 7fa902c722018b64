/**
 * /networks/{id}/connect and /disconnect answer as Debian's dockerd does: the same requests sent to a private
 * dockerd and to labd, status codes and messages compared (container IDs replaced by a placeholder).
 */
import {execFileSync} from 'node:child_process';
import {rmSync} from 'node:fs';
import test from 'ava';
import {apiRequest} from '../../helpers/api-request.js';
import {busyboxEngine} from '../../helpers/busybox-engine.js';
import type {CliResult} from '../../helpers/cli.js';
import {busyboxArchive} from '../../helpers/busybox.js';
import {when} from '../../helpers/needs.js';
import {needsDockerd, startReferenceDockerd} from '../../helpers/reference-dockerd.js';

const bridge = 'labtest-cd0';
test.after(async () => {
  const all = (await engine.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
  if (all.length > 0) await engine.docker(['rm', '-f', ...all]);
  await engine.docker(['network', 'prune', '-f']);
});
const engine = busyboxEngine(test, {daemonJson: {bridge, bip: '10.229.244.1/24'}});

test.after.always(() => {
  const routes = execFileSync('ip', ['-o', 'route'], {encoding: 'utf8'}).split('\n').filter((l) => l.startsWith('10.235.'));
  for (const dev of [bridge, ...routes.map((l) => l.split(' ')[2])]) {
    try {
      execFileSync('ip', ['link', 'del', dev], {stdio: 'ignore'});
    } catch {
      // already gone
    }
  }
  rmSync(`/run/labd/ipam/${bridge}`, {recursive: true, force: true});
});

async function session(socket: string, docker: (args: string[]) => Promise<CliResult>): Promise<Record<string, string>> {
  const ok = async (args: string[]) => {
    const r = await docker(args);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  };
  await ok(['network', 'create', '--subnet', '10.235.0.0/24', 'cd-m1']);
  await ok(['network', 'create', 'cd-m2']);
  await ok(['run', '-d', '--name', 'cd-r1', '--network', 'cd-m1', 'busybox', 'sleep', '600']);
  await ok(['run', '-d', '--name', 'cd-r2', '--network', 'cd-m1', '--ip', '10.235.0.50', 'busybox', 'sleep', '600']);
  await ok(['create', '--name', 'cd-s1', '--network', 'cd-m2', 'busybox', 'sleep', '600']);
  const out: Record<string, string> = {};
  const post = async (what: string, path: string, body: unknown) => {
    const r = await apiRequest(socket, 'POST', `/v1.41${path}`, {body: JSON.stringify(body)});
    const message = ((r.json as {message?: string} | undefined)?.message ?? r.body).replace(/[0-9a-f]{64}/g, '<id>');
    out[what] = `${r.status} ${message}`;
  };
  await post('connect to host', '/networks/host/connect', {Container: 'cd-r1'});
  await post('connect twice', '/networks/cd-m1/connect', {Container: 'cd-r1'});
  await post('disconnect when not connected', '/networks/cd-m2/disconnect', {Container: 'cd-r1'});
  await post('disconnect --force of no container', '/networks/cd-m1/disconnect', {Container: 'cd-nope', Force: true});
  await post('fixed address without a user subnet', '/networks/cd-m2/connect', {Container: 'cd-r1', EndpointConfig: {IPAMConfig: {IPv4Address: '10.1.1.1'}}});
  await post('unknown network', '/networks/cd-nope/connect', {Container: 'cd-r1'});
  await post('unknown container', '/networks/cd-m1/connect', {Container: 'cd-nope'});
  await post('connect with an alias', '/networks/cd-m2/connect', {Container: 'cd-r1', EndpointConfig: {Aliases: ['x']}});
  await post('disconnect', '/networks/cd-m2/disconnect', {Container: 'cd-r1'});
  await post('stopped container joins', '/networks/cd-m1/connect', {Container: 'cd-s1', EndpointConfig: {IPAMConfig: {IPv4Address: '10.235.0.50'}}});
  const start = await apiRequest(socket, 'POST', '/v1.41/containers/cd-s1/start');
  out['start with a taken address'] = `${start.status} ${(start.json as {message?: string} | undefined)?.message ?? ''}`;
  const link = await apiRequest(socket, 'POST', '/v1.41/containers/create', {body: JSON.stringify({Image: 'busybox', HostConfig: {Links: ['cd-nope:x']}})});
  out['link to no container'] = `${link.status} ${(link.json as {message?: string}).message}`;
  await docker(['rm', '-f', 'cd-r1', 'cd-r2', 'cd-s1']);
  await docker(['network', 'rm', 'cd-m1', 'cd-m2']);
  return out;
}

when(needsDockerd, test.serial)('connect and disconnect answer with dockerd\'s status codes and words', async (t) => {
  const dockerd = await startReferenceDockerd();
  let want: Record<string, string>;
  try {
    const load = await dockerd.docker(['load', '-i', (await busyboxArchive('docker')).path]);
    if (load.code !== 0) throw new Error(load.stderr);
    want = await session(dockerd.socket, (args) => dockerd.docker(args));
  } finally {
    await dockerd.stop();
  }
  const got = await session(engine.socket, (args) => engine.docker(args));
  t.deepEqual(got, want);
  // Real answers on both sides: refusals and successes.
  t.is(want['connect twice'], '403 endpoint with name cd-r1 already exists in network cd-m1');
  t.regex(want['connect with an alias'], /^200/);
  t.regex(want['start with a taken address'], /Address already in use/);
});
