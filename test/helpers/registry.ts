/**
 * A real registry for a test: Debian's `docker-registry` (distribution 2.8) on a free loopback port with its
 * storage in a temp dir; optionally htpasswd Basic auth (bcrypt entries from apache2-utils' `htpasswd -B`) and
 * TLS with a CA made at test time by openssl. Images are put in it with Debian's skopeo.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runCommand, type CliResult} from './cli.js';
import {hasCommand} from './needs.js';
import type {TokenServer} from './token-server.js';

export const needsRegistry = {
  "needs Debian's docker-registry (package docker-registry)": hasCommand('docker-registry'),
  "needs Debian's skopeo (package skopeo)": hasCommand('skopeo'),
};
export const needsHtpasswd = {"needs htpasswd (package apache2-utils)": hasCommand('htpasswd')};
export const needsOpenssl = {'needs openssl': hasCommand('openssl')};

export interface TestRegistry {
  dir: string;
  /** `127.0.0.1:<port>`, as image references name it. */
  host: string;
  port: number;
  /** The CA that signed its certificate (TLS registries). */
  caFile?: string;
  url: string;
  /** `skopeo copy <source> docker://<host>/<name>`, with the registry's credentials and TLS. */
  put(source: string, name: string, opts?: {format?: 'v2s2' | 'oci'}): Promise<CliResult>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as {port: number}).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function check(r: Promise<CliResult>, what: string): Promise<CliResult> {
  const result = await r;
  if (result.code !== 0) throw new Error(`${what} failed: ${result.stderr || result.stdout}`);
  return result;
}

/**
 * A CA and a server certificate for 127.0.0.1 (and localhost and `names`) signed by it, and a client certificate
 * for certs.d tests.
 */
export async function makeCertificates(dir: string, names: string[] = []): Promise<{ca: string; cert: string; key: string; clientCert: string; clientKey: string}> {
  const f = (n: string) => join(dir, n);
  await check(runCommand('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=lab test CA', '-keyout', f('ca.key'), '-out', f('ca.crt')]), 'openssl CA');
  writeFileSync(f('san.ext'), `subjectAltName=${['IP:127.0.0.1', ...['localhost', ...names].map((n) => `DNS:${n}`)].join(',')}\n`);
  await check(runCommand('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('server.key'), '-out', f('server.csr')]), 'openssl server key');
  await check(runCommand('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f('san.ext'), '-out', f('server.crt')]), 'openssl server cert');
  await check(runCommand('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=client', '-keyout', f('client.key'), '-out', f('client.csr')]), 'openssl client key');
  await check(runCommand('openssl', ['x509', '-req', '-in', f('client.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-out', f('client.cert')]), 'openssl client cert');
  return {ca: f('ca.crt'), cert: f('server.crt'), key: f('server.key'), clientCert: f('client.cert'), clientKey: f('client.key')};
}

/** `tlsNames`: more host names the TLS certificate is valid for (names a test's proxy maps to the registry). */
export async function startRegistry(opts: {users?: Record<string, string>; token?: TokenServer & {user: [string, string]}; tls?: boolean; tlsNames?: string[]; clientCa?: boolean} = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const lines = ['version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'storage')}`, '  delete:', '    enabled: true', 'http:', `  addr: ${host}`];
  let caFile: string | undefined;
  if (opts.tls) {
    mkdirSync(join(dir, 'pki'));
    const certs = await makeCertificates(join(dir, 'pki'), opts.tlsNames);
    caFile = certs.ca;
    // What a client trusts: the CA alone (a folder of *.crt, as skopeo and certs.d read it).
    mkdirSync(join(dir, 'trust'));
    copyFileSync(certs.ca, join(dir, 'trust', 'ca.crt'));
    lines.push('  tls:', `    certificate: ${certs.cert}`, `    key: ${certs.key}`);
    if (opts.clientCa) lines.push('    clientcas:', `      - ${certs.ca}`);
  }
  if (opts.users) {
    const htpasswd = join(dir, 'htpasswd');
    for (const [i, [user, password]] of Object.entries(opts.users).entries()) {
      await check(runCommand('htpasswd', [...(i === 0 ? ['-c'] : []), '-B', '-b', htpasswd, user, password]), 'htpasswd');
    }
    lines.push('auth:', '  htpasswd:', '    realm: lab-registry', `    path: ${htpasswd}`);
  }
  if (opts.token) {
    lines.push('auth:', '  token:', `    realm: ${opts.token.realm}`, `    service: ${opts.token.service}`, `    issuer: ${opts.token.issuer}`, `    rootcertbundle: ${opts.token.certBundle}`);
  }
  writeFileSync(join(dir, 'config.yml'), lines.join('\n') + '\n');
  const log = openSync(join(dir, 'registry.log'), 'a');
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {stdio: ['ignore', log, log]});
  const scheme = opts.tls ? 'https' : 'http';
  const url = `${scheme}://${host}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, {recursive: true, force: true});
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const probe = await runCommand('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...(caFile ? ['--cacert', caFile] : []), `${url}/v2/`]);
    if (probe.stdout === '200' || probe.stdout === '401' || (opts.clientCa && probe.stdout === '000' && probe.code === 56)) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      const text = existsSync(join(dir, 'registry.log')) ? readFileSync(join(dir, 'registry.log'), 'utf8') : '';
      await stop();
      throw new Error(`docker-registry did not start: ${text.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const creds = opts.users ? Object.entries(opts.users)[0] : opts.token?.user;
  const put = (source: string, name: string, o: {format?: 'v2s2' | 'oci'} = {}) =>
    runCommand('skopeo', [
      'copy', '--quiet', ...(o.format ? ['--format', o.format] : []), ...(creds ? ['--dest-creds', `${creds[0]}:${creds[1]}`] : []),
      ...(caFile ? ['--dest-cert-dir', join(dir, 'trust')] : ['--dest-tls-verify=false']), source, `docker://${host}/${name}`,
    ], {}, 300_000);
  return {dir, host, port, caFile, url, put, stop};
}
