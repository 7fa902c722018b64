/**
 * `docker network create` as Debian's dockerd does it: the same commands sent to a private dockerd and to
 * labd, and what inspect shows compared (IPAM with IPRange and AuxiliaryAddresses, driver options, EnableIPv6,
 * names dockerd accepts, the refusal of IPv6 without a pool); then labd's containers get addresses only from
 * the range, never an auxiliary one.
 */
import {execFileSync} from 'node:child_process';
import {rmSync} from 'node:fs';
import test from 'ava';
import {busyboxEngine} from '../../helpers/busybox-engine.js';
import type {CliResult} from '../../helpers/cli.js';
import {when} from '../../helpers/needs.js';
import {needsDockerd, startReferenceDockerd} from '../../helpers/reference-dockerd.js';

const bridge = 'labtest-nc0';
test.after(async () => {
  const all = (await engine.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
  if (all.length > 0) await engine.docker(['rm', '-f', ...all]);
  await engine.docker(['network', 'prune', '-f']);
});
const engine = busyboxEngine(test, {daemonJson: {bridge, bip: '10.229.245.1/24'}});
const serial = when(needsDockerd, test.serial);

test.after.always(() => {
  const routes = execFileSync('ip', ['-o', 'route'], {encoding: 'utf8'}).split('\n').filter((l) => l.startsWith('10.234.'));
  for (const dev of [bridge, ...routes.map((l) => l.split(' ')[2])]) {
    try {
      execFileSync('ip', ['link', 'del', dev], {stdio: 'ignore'});
    } catch {
      // already gone
    }
  }
  rmSync(`/run/labd/ipam/${bridge}`, {recursive: true, force: true});
});

type Docker = (args: string[]) => Promise<CliResult>;

/** The same session on an engine: what inspect shows of each network, and the words of refusals. */
async function session(docker: Docker) {
  const out: Record<string, unknown> = {};
  const create = async (name: string, args: string[]) => {
    const r = await docker(['network', 'create', ...args, name]);
    if (r.code !== 0) return (out[name] = {refused: r.stderr.trim()});
    // By ID: a name with a slash cannot be a path segment, on dockerd as here.
    const id = r.stdout.trim();
    const n = JSON.parse((await docker(['network', 'inspect', id])).stdout)[0];
    out[name] = {Name: n.Name, IPAM: n.IPAM, Options: n.Options, EnableIPv6: n.EnableIPv6, Internal: n.Internal, Attachable: n.Attachable, Labels: n.Labels, Driver: n.Driver};
    await docker(['network', 'rm', id]);
  };
  await create('nc-range', ['--subnet', '10.234.1.0/24', '--ip-range', '10.234.1.128/25', '--aux-address', 'printer=10.234.1.130', '-o', 'foo=bar', '--label', 'k=v']);
  await create('nc-gw', ['--subnet', '10.234.2.0/24', '--gateway', '10.234.2.254', '--internal', '--attachable']);
  await create('nc name/with odd chars', ['--subnet', '10.234.3.0/24']);
  await create('nc-v6', ['--ipv6']);
  return out;
}

serial('network create and inspect show what dockerd shows', async (t) => {
  const dockerd = await startReferenceDockerd();
  let want: Record<string, unknown>;
  try {
    want = await session((args) => dockerd.docker(args));
  } finally {
    await dockerd.stop();
  }
  const got = await session((args) => engine.docker(args));
  t.deepEqual(got, want);
  // Three networks made and shown, one refused: the comparison is of real answers.
  t.is(Object.values(want).filter((v) => 'IPAM' in (v as object)).length, 3, JSON.stringify(want));
  t.regex(JSON.stringify(want['nc-v6']), /IPv6 address pool/);
});

when(needsDockerd, test.serial)('containers get addresses from the range, never an auxiliary one; a fixed one may be outside the range', async (t) => {
  const ok = async (args: string[]) => {
    const r = await engine.docker(args);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  await ok(['network', 'create', '--subnet', '10.234.4.0/24', '--ip-range', '10.234.4.128/30', '--aux-address', 'a=10.234.4.129', 'nc-small']);
  const ips: string[] = [];
  for (const n of [1, 2]) {
    await ok(['run', '-d', '--name', `nc-c${n}`, '--network', 'nc-small', 'busybox', 'sleep', '600']);
    ips.push(await ok(['inspect', '-f', '{{(index .NetworkSettings.Networks "nc-small").IPAddress}}', `nc-c${n}`]));
  }
  t.true(ips.every((ip) => /^10\.234\.4\.1(2[89]|3[01])$/.test(ip)), ips.join(' '));
  t.false(ips.includes('10.234.4.129'));
  await ok(['run', '-d', '--name', 'nc-fixed', '--network', 'nc-small', '--ip', '10.234.4.20', 'busybox', 'sleep', '600']);
  t.is(await ok(['inspect', '-f', '{{(index .NetworkSettings.Networks "nc-small").IPAddress}}', 'nc-fixed']), '10.234.4.20');
  await ok(['rm', '-f', 'nc-c1', 'nc-c2', 'nc-fixed']);
  await ok(['network', 'rm', 'nc-small']);
});
