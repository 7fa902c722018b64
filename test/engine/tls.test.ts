/**
 * The TCP API with TLS, as seed 004's "make the daemon reachable over the network" would do it safely: a CA,
 * a server and a client certificate made with openssl, daemon.json's tlsverify/tlscacert/tlscert/tlskey, and
 * the stock docker CLI with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH reaching the engine on an address beyond
 * loopback (listening on 0.0.0.0). Clients without a certificate of that CA are turned away.
 */
import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {request} from 'node:https';
import {createServer} from 'node:net';
import {networkInterfaces, tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {busyboxArchive} from '../helpers/busybox.js';
import {runCommand} from '../helpers/cli.js';
import {startTestEngine, type TestEngine} from '../helpers/engine.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '0.0.0.0', () => {
      const port = (s.address() as {port: number}).port;
      s.close(() => resolve(port));
    });
  });

/** An address of this machine that is not loopback, so the CLI really comes from "the network". */
function hostAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, {cwd: dir, encoding: 'utf8'});
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A CA, and a certificate it signs for `name` with the given extensions (key and cert as name-key.pem, name.pem). */
function issue(dir: string, ca: string, name: string, extensions: string): void {
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}-key.pem`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`]);
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=${name}`]);
}

let dir: string;
let engine: TestEngine;
let port: number;
const ip = hostAddress();
let cli: (args: string[], input?: string) => ReturnType<typeof runCommand>;

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lab-tls-'));
  makeCa(dir, 'ca');
  issue(dir, 'ca', 'server', `subjectAltName=IP:127.0.0.1,IP:${ip},DNS:localhost\nextendedKeyUsage=serverAuth\n`);
  issue(dir, 'ca', 'client', 'extendedKeyUsage=clientAuth\n');
  makeCa(dir, 'rogue-ca');
  issue(dir, 'rogue-ca', 'rogue', 'extendedKeyUsage=clientAuth\n');
  // DOCKER_CERT_PATH holds ca.pem, cert.pem and key.pem, by those names.
  const certs = join(dir, 'docker-certs');
  mkdirSync(certs);
  writeFileSync(join(certs, 'ca.pem'), readFileSync(join(dir, 'ca.pem')));
  writeFileSync(join(certs, 'cert.pem'), readFileSync(join(dir, 'client.pem')));
  writeFileSync(join(certs, 'key.pem'), readFileSync(join(dir, 'client-key.pem')));
  port = await freePort();
  const sock = join(dir, 'run', 'docker.sock');
  engine = await startTestEngine({
    daemonJson: {
      hosts: [`unix://${sock}`, `tcp://0.0.0.0:${port}`],
      tlsverify: true, tlscacert: join(dir, 'ca.pem'), tlscert: join(dir, 'server.pem'), tlskey: join(dir, 'server-key.pem'),
    },
  });
  cli = (args, input) => runCommand('docker', args, {DOCKER_HOST: `tcp://${ip}:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs, DOCKER_CONFIG: join(dir, 'cfg')}, 300_000, input);
});

test.after.always(async () => {
  await engine?.stop();
  if (dir) rmSync(dir, {recursive: true, force: true});
});

test.serial('the docker CLI with DOCKER_TLS_VERIFY reaches the engine beyond loopback: version, load, run, exec', async (t) => {
  const version = await cli(['version', '--format', '{{.Server.APIVersion}}']);
  t.is(version.stdout.trim(), '1.50', version.stderr);
  const load = await cli(['load', '-i', (await busyboxArchive('docker')).path]);
  t.is(load.code, 0, load.stderr);
  // Hijacked streams (attach, exec) run over the TLS connection too.
  const run = await cli(['run', '--rm', 'busybox', 'echo', 'over tls']);
  t.is(run.stdout, 'over tls\n', run.stderr);
  t.is((await cli(['run', '-d', '--name', 'tls-exec', 'busybox', 'sleep', '60'])).code, 0);
  const exec = await cli(['exec', 'tls-exec', 'sh', '-c', 'echo out; echo err >&2; exit 4']);
  t.is(exec.code, 4);
  t.is(exec.stdout, 'out\n');
  t.is(exec.stderr, 'err\n');
  const piped = await cli(['exec', '-i', 'tls-exec', 'cat'], 'stdin through tls\n');
  t.is(piped.stdout, 'stdin through tls\n', piped.stderr);
  await cli(['rm', '-f', 'tls-exec']);
});

function handshake(opts: {cert?: string; key?: string}): Promise<string> {
  return new Promise((resolve) => {
    const req = request({
      host: ip, port, path: '/_ping', method: 'GET', servername: 'localhost',
      ca: readFileSync(join(dir, 'ca.pem')),
      ...(opts.cert ? {cert: readFileSync(join(dir, opts.cert)), key: readFileSync(join(dir, opts.key!))} : {}),
    }, (res) => {
      res.resume();
      resolve(`status ${res.statusCode}`);
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(`refused: ${e.code ?? e.message}`));
    req.end();
  });
}

test.serial('a client without a certificate, or with one from another CA, is refused; plain HTTP gets nothing', async (t) => {
  t.is(await handshake({cert: 'client.pem', key: 'client-key.pem'}), 'status 200', 'the same request with the client certificate works');
  t.regex(await handshake({}), /^refused/);
  t.regex(await handshake({cert: 'rogue.pem', key: 'rogue-key.pem'}), /^refused/);
  const plain = await runCommand('docker', ['-H', `tcp://${ip}:${port}`, 'version', '--format', '{{.Server.APIVersion}}'], {DOCKER_CONFIG: join(dir, 'cfg')});
  t.not(plain.code, 0);
  t.is(plain.stdout.trim(), '');
});

test.serial('without TLS the same non-loopback address is refused at start, with the reason', async (t) => {
  const other = await freePort();
  const error = await t.throwsAsync(startTestEngine({daemonJson: {hosts: [`tcp://0.0.0.0:${other}`]}}));
  t.regex(error!.message, /refusing to listen on tcp:\/\/0\.0\.0\.0:\d+ without TLS/);
});
