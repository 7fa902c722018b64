/**
 * daemon.json's registry keys: registry-mirrors (Docker Hub names are pulled from the mirror first),
 * insecure-registries and mirrors checked at start with the key named, and client certificates from the
 * certs.d folder (its place set by registry-certs-dir, /etc/docker/certs.d by default).
 */
import test from 'ava';
import {copyFileSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {busyboxArchive} from '../../helpers/busybox.js';
import {startTestEngine} from '../../helpers/engine.js';
import {isRoot, when} from '../../helpers/needs.js';
import {makeCertificates, needsOpenssl, needsRegistry, startRegistry} from '../../helpers/registry.js';

const needs = {'needs root': isRoot, ...needsRegistry, ...needsOpenssl};
const serial = when(needs, test.serial);

serial('a Docker Hub name is pulled from the registry mirror, with no access to Docker Hub needed', async (t) => {
  const mirror = await startRegistry();
  t.teardown(() => mirror.stop());
  const put = await mirror.put(`docker-archive:${(await busyboxArchive('docker')).path}`, 'library/busybox:latest');
  t.is(put.code, 0, put.stderr);
  const engine = await startTestEngine({daemonJson: {'registry-mirrors': [`http://${mirror.host}`], 'max-concurrent-downloads': 1}});
  t.teardown(() => engine.stop());
  const pull = await engine.docker(['pull', 'busybox']);
  t.is(pull.code, 0, pull.stderr);
  t.regex(pull.stdout, /latest: Pulling from library\/busybox/);
  t.regex(pull.stdout, /Status: Downloaded newer image for busybox:latest/);
  const run = await engine.docker(['run', '--rm', 'busybox', 'echo', 'mirrored']);
  t.is(run.stdout, 'mirrored\n');
  // docker info lists the mirror, as dockerd does (with a trailing slash).
  const info = await engine.docker(['info', '--format', '{{json .RegistryConfig.Mirrors}} {{json (index .RegistryConfig.IndexConfigs "docker.io")}}']);
  t.is(info.stdout.trim(), `["http://${mirror.host}/"] {"Name":"docker.io","Mirrors":["http://${mirror.host}/"],"Secure":true,"Official":true}`, info.stderr);
  // A registry/repo:tag reference inspected without --type: not a container (404), so the CLI finds the image.
  const ref = `${mirror.host}/course/busybox:v1`;
  t.is((await engine.docker(['tag', 'busybox', ref])).code, 0);
  t.is((await engine.docker(['push', ref])).code, 0);
  const inspected = await engine.docker(['inspect', '-f', '{{json .RepoDigests}}', ref]);
  t.is(inspected.code, 0, inspected.stderr);
  t.regex(inspected.stdout, new RegExp(`"${mirror.host}/course/busybox@sha256:[0-9a-f]{64}"`));
});

serial('bad registry keys in daemon.json stop the engine from starting, naming the key', async (t) => {
  for (const [daemonJson, words] of [
    [{'registry-mirrors': ['ftp://mirror.example']}, /key "registry-mirrors": invalid mirror: unsupported scheme "ftp"/],
    [{'registry-mirrors': ['http://mirror.example/path']}, /key "registry-mirrors": invalid mirror: path, query, fragment or credentials are not allowed/],
    [{'insecure-registries': ['http://reg.example:5000']}, /key "insecure-registries": insecure registry http:\/\/reg.example:5000 should not contain ':\/\/'/],
    [{'insecure-registries': ['10.0.0.0/99']}, /key "insecure-registries": "10.0.0.0\/99" is not a valid CIDR/],
    [{'max-concurrent-downloads': 0}, /max-concurrent-downloads/],
  ] as const) {
    const error = await t.throwsAsync(startTestEngine({daemonJson}));
    // `lab engine start --json` reports {"error": {"message"}}.
    const text = error?.message ?? '';
    const reported = (JSON.parse(text.slice(text.indexOf('{'))) as {error: {message: string}}).error.message;
    t.regex(reported, words);
  }
});

serial('a registry that asks for a client certificate gets the one in its certs.d folder', async (t) => {
  const registry = await startRegistry({tls: true, clientCa: true});
  t.teardown(() => registry.stop());
  // skopeo presents the client certificate too: the registry's trust folder has it.
  const pki = join(registry.dir, 'pki');
  copyFileSync(join(pki, 'client.cert'), join(registry.dir, 'trust', 'client.cert'));
  copyFileSync(join(pki, 'client.key'), join(registry.dir, 'trust', 'client.key'));
  const put = await registry.put(`docker-archive:${(await busyboxArchive('docker')).path}`, 'secure:1');
  t.is(put.code, 0, put.stderr);
  const certsDir = mkdtempSync(join(tmpdir(), 'lab-certs-d-'));
  t.teardown(() => rmSync(certsDir, {recursive: true, force: true}));
  const engine = await startTestEngine({daemonJson: {'registry-certs-dir': certsDir}});
  t.teardown(() => engine.stop());
  const without = await engine.docker(['pull', `${registry.host}/secure:1`]);
  t.is(without.code, 1, 'no client certificate: the registry refuses the handshake');
  mkdirSync(join(certsDir, registry.host));
  copyFileSync(join(pki, 'ca.crt'), join(certsDir, registry.host, 'ca.crt'));
  copyFileSync(join(pki, 'client.cert'), join(certsDir, registry.host, 'client.cert'));
  copyFileSync(join(pki, 'client.key'), join(certsDir, registry.host, 'client.key'));
  const pull = await engine.docker(['pull', `${registry.host}/secure:1`]);
  t.is(pull.code, 0, pull.stderr);
});

