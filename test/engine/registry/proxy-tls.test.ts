/**
 * HTTPS_PROXY and NO_PROXY in labd's environment, and a TLS registry that is not insecure: its CA and the client
 * certificate it asks for come from the engine's certs.d folder. The registry is named by a host name only the
 * test's CONNECT proxy can reach (no resolver knows it), so a pull that works went through the proxy; a name
 * NO_PROXY lists is looked up directly instead, and the proxy never sees it.
 */
import test from 'ava';
import {copyFileSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {busyboxArchive} from '../../helpers/busybox.js';
import {startConnectProxy, type ConnectProxy} from '../../helpers/connect-proxy.js';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';
import {isRoot, when} from '../../helpers/needs.js';
import {needsOpenssl, needsRegistry, startRegistry, type TestRegistry} from '../../helpers/registry.js';

const needs = {'needs root': isRoot, ...needsRegistry, ...needsOpenssl};
const serial = when(needs, test.serial);
// `.invalid` never resolves (RFC 6761): only the proxy knows where these are.
const proxiedName = 'registry.push-proxy.invalid';
const bypassName = 'bypass.push-proxy.invalid';
let registry: TestRegistry;
let proxy: ConnectProxy;
let engine: TestEngine;
let certsDir: string;

test.before(async () => {
  if (!Object.values(needs).every(Boolean)) return;
  registry = await startRegistry({tls: true, clientCa: true, tlsNames: [proxiedName, bypassName]});
  const pki = join(registry.dir, 'pki');
  // skopeo needs the client certificate too.
  copyFileSync(join(pki, 'client.cert'), join(registry.dir, 'trust', 'client.cert'));
  copyFileSync(join(pki, 'client.key'), join(registry.dir, 'trust', 'client.key'));
  const put = await registry.put(`docker-archive:${(await busyboxArchive('docker')).path}`, 'proxied/busybox:1');
  if (put.code !== 0) throw new Error(put.stderr);
  proxy = await startConnectProxy({[proxiedName]: '127.0.0.1', [bypassName]: '127.0.0.1'});
  certsDir = mkdtempSync(join(tmpdir(), 'lab-push-certs-d-'));
  engine = await startTestEngine({
    daemonJson: {'registry-certs-dir': certsDir},
    env: {HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: `localhost,${bypassName}`, https_proxy: '', http_proxy: '', no_proxy: ''},
  });
});

test.after.always(async () => {
  await engine?.stop();
  await proxy?.stop();
  await registry?.stop();
  if (certsDir) rmSync(certsDir, {recursive: true, force: true});
});

const tunnelsTo = (name: string) => proxy.tunnels.get(`${name}:${registry.port}`) ?? 0;

serial('through the proxy, a registry is trusted only with its CA in certs.d and served only with the client certificate', async (t) => {
  const host = `${proxiedName}:${registry.port}`;
  const image = `${host}/proxied/busybox:1`;
  const untrusted = await engine.docker(['pull', image]);
  t.is(untrusted.code, 1);
  t.regex(untrusted.stderr, /x509: certificate signed by unknown authority/);
  t.true(tunnelsTo(proxiedName) >= 1, 'the engine reached the registry through the proxy');
  const folder = join(certsDir, host);
  mkdirSync(folder);
  const pki = join(registry.dir, 'pki');
  copyFileSync(join(pki, 'ca.crt'), join(folder, 'ca.crt'));
  const noClientCert = await engine.docker(['pull', image]);
  t.is(noClientCert.code, 1, 'the CA alone is trusted, but the registry wants a client certificate');
  t.notRegex(noClientCert.stderr, /unknown authority/);
  copyFileSync(join(pki, 'client.cert'), join(folder, 'client.cert'));
  copyFileSync(join(pki, 'client.key'), join(folder, 'client.key'));
  const before = tunnelsTo(proxiedName);
  const pull = await engine.docker(['pull', image]);
  t.is(pull.code, 0, pull.stderr);
  t.regex(pull.stdout, /Status: Downloaded newer image/);
  t.true(tunnelsTo(proxiedName) > before);
  const run = await engine.docker(['run', '--rm', '--network', 'none', image, 'echo', 'via proxy']);
  t.is(run.stdout, 'via proxy\n', run.stderr);
  // A push takes the same way.
  t.is((await engine.docker(['tag', image, `${host}/pushed/busybox:2`])).code, 0);
  const push = await engine.docker(['push', `${host}/pushed/busybox:2`]);
  t.is(push.code, 0, push.stderr);
  t.regex(push.stdout, /2: digest: sha256:[0-9a-f]{64}/);
});

serial('a host NO_PROXY names is reached directly: the proxy is not asked, and the name does not resolve', async (t) => {
  const pull = await engine.docker(['pull', `${bypassName}:${registry.port}/proxied/busybox:1`]);
  t.is(pull.code, 1);
  t.regex(pull.stderr, new RegExp(`lookup ${bypassName.replace(/\./g, '\\.')}.*no such host`));
  t.is(tunnelsTo(bypassName), 0);
});
