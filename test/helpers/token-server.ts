/**
 * A small Bearer token server for a registry test, as Docker Hub's auth service works: `GET /token?service=&scope=`
 * answers a JWT (RS256, its certificate in the `x5c` header) that distribution checks against the certificate
 * bundle in its config. Anonymous clients get pull access to repositories under `public/`; the one known user
 * gets pull and push everywhere; a wrong password is refused with 401 as Docker Hub does.
 */
import {createSign, generateKeyPairSync, randomBytes, X509Certificate} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runCommand} from './cli.js';

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  /** The certificate bundle distribution's `auth.token.rootcertbundle` names. */
  certBundle: string;
  /** Every scope asked for, in order (what a test checks the client asked). */
  requests: Array<{scope: string[]; user?: string}>;
  stop(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export async function startTokenServer(user: {name: string; password: string}): Promise<TokenServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-token-'));
  const {privateKey} = generateKeyPairSync('rsa', {modulusLength: 2048});
  writeFileSync(join(dir, 'key.pem'), privateKey.export({type: 'pkcs8', format: 'pem'}));
  const made = await runCommand('openssl', ['req', '-x509', '-new', '-key', join(dir, 'key.pem'), '-days', '2', '-subj', '/CN=lab token issuer', '-out', join(dir, 'cert.pem')]);
  if (made.code !== 0) throw new Error(`openssl: ${made.stderr}`);
  const certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const der = new X509Certificate(certPem).raw;
  const service = 'lab-registry';
  const issuer = 'lab-token-issuer';
  const requests: TokenServer['requests'] = [];

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const scope = url.searchParams.getAll('scope');
    let who: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [name, ...rest] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      if (name !== user.name || rest.join(':') !== user.password) {
        res.writeHead(401, {'Content-Type': 'application/json'});
        res.end(JSON.stringify({details: 'incorrect username or password'}));
        return;
      }
      who = name;
    }
    requests.push({scope, user: who});
    const access = scope.flatMap((s) => {
      const [type, name, actions] = s.split(':');
      if (type !== 'repository' || !name || !actions) return [];
      const allowed = actions.split(',').filter((a) => who !== undefined || (a === 'pull' && name.startsWith('public/')));
      return [{type, name, actions: allowed}];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = {typ: 'JWT', alg: 'RS256', x5c: [der.toString('base64')]};
    const claims = {iss: issuer, sub: who ?? '', aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access};
    const signing = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(signing).sign(privateKey);
    const token = `${signing}.${b64url(signature)}`;
    res.writeHead(200, {'Content-Type': 'application/json'});
    res.end(JSON.stringify({token, access_token: token, expires_in: 300}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as {port: number}).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certBundle: join(dir, 'cert.pem'),
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())).then(() => rmSync(dir, {recursive: true, force: true})),
  };
}
