/** The registry client's pure parts: challenges, X-Registry-Auth, NO_PROXY, platforms, dockerd's progress text, /info's registry configuration. */
import test from 'ava';
import {decodeRegistryAuth, parseChallenges} from '../../../src/engine/registry/auth.js';
import {repositoryOf} from '../../../src/engine/registry/endpoint.js';
import {parsePlatform} from '../../../src/engine/registry/manifest.js';
import {humanSize, progressText} from '../../../src/engine/registry/progress.js';
import {bypassesProxy} from '../../../src/engine/registry/proxy.js';
import {registryErrorText} from '../../../src/engine/registry/registry-error.js';
import {networkOf, serviceConfig} from '../../../src/engine/registry/service-config.js';
import {parseReference} from '../../../src/engine/images/reference.js';

test('a Bearer challenge with quoted, comma-holding parameters is read whole', (t) => {
  const [c] = parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push",error="insufficient_scope"');
  t.is(c.scheme, 'bearer');
  t.deepEqual(c.params, {realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull,push', error: 'insufficient_scope'});
  t.deepEqual(parseChallenges('Basic realm="Registry Realm"'), [{scheme: 'basic', params: {realm: 'Registry Realm'}}]);
  t.deepEqual(parseChallenges(undefined), []);
});

test('X-Registry-Auth is base64url JSON; the CLI\'s "auth" form and garbage are read too', (t) => {
  const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  t.deepEqual(decodeRegistryAuth(encode({username: 'u', password: 'p:w', serveraddress: 'h:5000'})), {username: 'u', password: 'p:w', serveraddress: 'h:5000'});
  t.like(decodeRegistryAuth(encode({auth: Buffer.from('ann:se:cret').toString('base64')})), {username: 'ann', password: 'se:cret'});
  t.deepEqual(decodeRegistryAuth('e30='), {});
  t.deepEqual(decodeRegistryAuth('%%%not base64 json'), {});
  t.deepEqual(decodeRegistryAuth(undefined), {});
});

test('references map to a registry and a path as dockerd reads them', (t) => {
  t.like(repositoryOf(parseReference('busybox')), {registry: 'docker.io', path: 'library/busybox'});
  t.like(repositoryOf(parseReference('kaktuss/clickhouse-udp-proxy')), {registry: 'docker.io', path: 'kaktuss/clickhouse-udp-proxy'});
  t.like(repositoryOf(parseReference('127.0.0.1:5000/team/app:1')), {registry: '127.0.0.1:5000', path: 'team/app'});
  t.like(repositoryOf(parseReference('localhost/app')), {registry: 'localhost', path: 'app'});
});

test('NO_PROXY: exact hosts, domain suffixes, ports and the wildcard', (t) => {
  const u = (s: string) => new URL(s);
  t.true(bypassesProxy(u('https://reg.example.com/v2/'), 'example.com'));
  t.true(bypassesProxy(u('https://reg.example.com/v2/'), '.example.com'));
  t.false(bypassesProxy(u('https://reg.example.org/v2/'), 'example.com'));
  t.true(bypassesProxy(u('http://10.0.0.5:5000/v2/'), 'other, 10.0.0.5:5000'));
  t.false(bypassesProxy(u('http://10.0.0.5:5001/v2/'), '10.0.0.5:5000'));
  t.true(bypassesProxy(u('https://anything/v2/'), '*'));
});

test('--platform values: os, architecture aliases and variants', (t) => {
  t.deepEqual(parsePlatform(undefined), {os: 'linux', architecture: 'amd64'});
  t.deepEqual(parsePlatform('linux/x86_64'), {os: 'linux', architecture: 'amd64', variant: undefined});
  t.deepEqual(parsePlatform('linux/arm64/v8'), {os: 'linux', architecture: 'arm64', variant: 'v8'});
});

test('progress text and sizes as Go\'s units.HumanSize and jsonmessage write them', (t) => {
  t.is(humanSize(0), '0B');
  t.is(humanSize(785_400), '785.4kB');
  t.is(humanSize(2_220_000), '2.22MB');
  t.is(progressText(1_000_000, 2_000_000), `[${'='.repeat(25)}>${' '.repeat(25)}]      1MB/2MB`);
  t.is(progressText(2_000_000, 2_000_000), `[${'='.repeat(50)}>] 2MB/2MB`.replace('] 2MB', ']      2MB'));
});

test('a registry\'s error body reads as distribution words it', (t) => {
  t.deepEqual(registryErrorText('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}'), {text: 'manifest unknown: manifest unknown', code: 'MANIFEST_UNKNOWN'});
  t.is(registryErrorText('<html>'), undefined);
});

test('/info\'s registry configuration is dockerd\'s: insecure CIDRs as networks then loopback, insecure hosts and Docker Hub with its mirrors', (t) => {
  const config = serviceConfig({mirrors: ['http://127.0.0.1:5000'], insecure: ['reg.example:5000', '10.1.2.3/8', 'fd00:1:2:3::5/64'], maxConcurrentDownloads: 3, maxConcurrentUploads: 5, certsDir: '/etc/docker/certs.d'});
  t.deepEqual(config.InsecureRegistryCIDRs, ['10.0.0.0/8', 'fd00:1:2:3::/64', '127.0.0.0/8']);
  t.deepEqual(config.Mirrors, ['http://127.0.0.1:5000/']);
  t.deepEqual(config.IndexConfigs, {
    'reg.example:5000': {Name: 'reg.example:5000', Mirrors: [], Secure: false, Official: false},
    'docker.io': {Name: 'docker.io', Mirrors: ['http://127.0.0.1:5000/'], Secure: true, Official: true},
  });
  t.is(networkOf('2001:db8:0:0:1:0:0:1/128'), '2001:db8::1:0:0:1/128', 'the first longest run of zeros is the one shortened, as Go does');
  t.deepEqual(serviceConfig({mirrors: [], insecure: ['127.0.0.1/8'], maxConcurrentDownloads: 3, maxConcurrentUploads: 5, certsDir: ''}).InsecureRegistryCIDRs, ['127.0.0.0/8'], 'loopback is listed once');
});
