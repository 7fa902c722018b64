/** labd's configuration: daemon.json checked by schema, dockerd's flag/file rules, and safe listeners. */
import {statSync, writeFileSync, mkdtempSync, rmSync} from 'node:fs';
import {request} from 'node:http';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {ConfigError, parseConfigFile, resolveConfig} from '../../src/engine/config/daemon-config.js';
import {parseDaemonFlags} from '../../src/engine/config/flags.js';
import {parseHost} from '../../src/engine/config/hosts.js';
import {runCommand, runLab} from '../helpers/cli.js';
import {startTestEngine} from '../helpers/engine.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as {port: number}).port;
      s.close(() => resolve(port));
    });
  });

function get(opts: {socketPath?: string; port?: number; path: string; headers?: Record<string, string>}) {
  return new Promise<{status: number; body: string; headers: Record<string, unknown>}>((resolve, reject) => {
    const req = request({...opts, host: opts.port ? '127.0.0.1' : undefined, method: 'GET'}, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({status: res.statusCode ?? 0, body, headers: res.headers}));
    });
    req.on('error', reject);
    req.end();
  });
}

test('daemon.json: an unknown key is named', (t) => {
  const e = t.throws(() => parseConfigFile('/etc/docker/daemon.json', '{"hosts": [], "debugg": true}'), {instanceOf: ConfigError});
  t.regex(e!.message, /daemon\.json: the following directives don't match any configuration option: debugg/);
});

test('daemon.json: a bad value names the key and what was expected', (t) => {
  const e = t.throws(() => parseConfigFile('d.json', '{"log-level": "loud", "hosts": "tcp://127.0.0.1:2375"}'));
  t.regex(e!.message, /key "log-level": must be equal to one of the allowed values \(one of: debug, info, warn, error, fatal\)/);
  t.regex(e!.message, /key "hosts": must be array/);
});

test('daemon.json: a syntax error names the line and column', (t) => {
  const e = t.throws(() => parseConfigFile('d.json', '{\n  "hosts": ["unix:///x.sock",]\n}'));
  t.regex(e!.message, /d\.json: invalid JSON at line 2, column \d+/);
});

test('hosts given both as -H and in daemon.json conflict, as with dockerd', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'labd-conf-'));
  try {
    writeFileSync(join(dir, 'daemon.json'), JSON.stringify({hosts: ['tcp://127.0.0.1:2375']}));
    const e = t.throws(() => resolveConfig(parseDaemonFlags(['-H', 'unix:///var/run/docker.sock', '--config-file', join(dir, 'daemon.json')])));
    t.regex(e!.message, /specified both as a flag and in the configuration file: hosts: \(from flag: \["unix:\/\/\/var\/run\/docker.sock"\], from file: \["tcp:\/\/127.0.0.1:2375"\]\)/);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test('flags: unknown flags and relative paths are refused by name', (t) => {
  t.throws(() => parseDaemonFlags(['--bogus']), {message: /bogus/});
  t.throws(() => parseDaemonFlags(['--data-root', 'relative/dir']), {message: /--data-root: "relative\/dir" must be an absolute path/});
  t.throws(() => parseHost('tcp://127.0.0.1:99999'), {message: /port must be 1-65535/});
  t.true((parseHost('tcp://localhost:2375') as {loopback: boolean}).loopback);
  t.false((parseHost('tcp://0.0.0.0:2375') as {loopback: boolean}).loopback);
});

test('lab engine start fails with the key named when daemon.json has an unknown key', async (t) => {
  const error = await t.throwsAsync(startTestEngine({daemonJson: {'no-such-option': 1}}));
  t.regex(error!.message, /the following directives don't match any configuration option: no-such-option/);
});

test('a TCP address beyond loopback without TLS is refused at start', async (t) => {
  const port = await freePort();
  const error = await t.throwsAsync(startTestEngine({daemonJson: {hosts: [`tcp://0.0.0.0:${port}`]}}));
  t.regex(error!.message, /refusing to listen on tcp:\/\/0\.0\.0\.0:\d+ without TLS/);
});

test('the unix socket is 0660, TCP on loopback serves the docker CLI, and browsers are refused', async (t) => {
  const port = await freePort();
  const engine = await startTestEngine({args: ['-H', `tcp://127.0.0.1:${port}`]});
  try {
    t.is(statSync(engine.socket).mode & 0o777, 0o660);
    const viaTcp = await runCommand('docker', ['-H', `tcp://127.0.0.1:${port}`, 'version', '--format', '{{.Server.APIVersion}}']);
    t.is(viaTcp.stdout.trim(), '1.50', viaTcp.stderr);
    const fromPage = await get({port, path: '/version', headers: {Origin: 'http://evil.example'}});
    t.is(fromPage.status, 403);
    t.regex(JSON.parse(fromPage.body).message, /Origin/);
    const rebound = await get({port, path: '/version', headers: {Host: 'evil.example:2375'}});
    t.is(rebound.status, 403);
    const ping = await get({socketPath: engine.socket, path: '/_ping'});
    t.is(ping.body, 'OK');
    t.is(ping.headers['api-version'], '1.50');
    t.is(ping.headers.ostype, 'linux');
    const old = await get({socketPath: engine.socket, path: '/v1.12/version'});
    t.is(old.status, 400);
    t.regex(JSON.parse(old.body).message, /client version 1\.12 is too old\. Minimum supported API version is 1\.41/);
    const newer = await get({socketPath: engine.socket, path: '/v1.99/version'});
    t.regex(JSON.parse(newer.body).message, /too new/);
    t.is((await get({socketPath: engine.socket, path: '/v1.44/version'})).status, 200);
    const status = await runLab(['engine', 'status', '--json', '--exec-root', engine.execRoot]);
    const s = JSON.parse(status.stdout);
    t.true(s.running);
    t.true(s.hosts.every((h: {ok: boolean}) => h.ok));
    const env = await runLab(['engine', 'env', '--exec-root', engine.execRoot]);
    t.regex(env.stdout, new RegExp(`export DOCKER_HOST=unix://${engine.socket}`));
  } finally {
    await engine.stop();
  }
  const after = await runLab(['engine', 'status', '--exec-root', engine.execRoot]);
  t.is(after.code, 1);
  t.regex(after.stdout, /not running/);
});
