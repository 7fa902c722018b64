/** The userland proxy on loopback only: TCP (labd-proxy) both ways with half-close, UDP replies to the right client, bind errors. */
import {createHash, randomBytes} from 'node:crypto';
import {createSocket} from 'node:dgram';
import {readdirSync, readFileSync} from 'node:fs';
import {connect, createServer, type AddressInfo, type Server} from 'node:net';
import test from 'ava';
import {BindError, openProxy} from '../../../src/engine/network/proxy.js';
import {spliceProxyPath} from '../../../src/engine/network/splice-proxy.js';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

test('tcp: bytes flow both ways, and a client FIN still lets the answer come back', async (t) => {
  // An upstream that answers only after the client has finished sending: needs half-close to work.
  const upstream = createServer({allowHalfOpen: true}, (s) => {
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', () => s.end(`got ${Buffer.concat(chunks).length} bytes`));
  });
  const targetPort = await listen(upstream);
  const proxy = await openProxy({proto: 'tcp', hostIp: '127.0.0.1', hostPort: 0, targetIp: '127.0.0.1', targetPort});
  t.true(proxy.hostPort > 0);
  const payload = Buffer.alloc(4 * 1024 * 1024, 7);
  const answer = await new Promise<string>((resolve, reject) => {
    const c = connect({host: '127.0.0.1', port: proxy.hostPort, allowHalfOpen: true});
    let text = '';
    c.on('data', (d: Buffer) => (text += d.toString()));
    c.on('end', () => resolve(text));
    c.on('error', reject);
    c.end(payload);
  });
  t.is(answer, `got ${payload.length} bytes`);
  await proxy.close();
  upstream.close();
});

test('tcp: a refused upstream closes the client instead of hanging', async (t) => {
  const probe = createServer();
  const deadPort = await listen(probe);
  await new Promise((r) => probe.close(r));
  const proxy = await openProxy({proto: 'tcp', hostIp: '127.0.0.1', hostPort: 0, targetIp: '127.0.0.1', targetPort: deadPort});
  const closed = await new Promise<boolean>((resolve) => {
    const c = connect({host: '127.0.0.1', port: proxy.hostPort});
    c.on('error', () => {});
    c.on('close', () => resolve(true));
    setTimeout(() => resolve(false), 3000);
  });
  t.true(closed);
  await proxy.close();
});

test('a port in use is refused with Docker\'s words, naming the port', async (t) => {
  const holder = createServer();
  const port = await listen(holder);
  const error = await t.throwsAsync(openProxy({proto: 'tcp', hostIp: '127.0.0.1', hostPort: port, targetIp: '127.0.0.1', targetPort: 1}));
  t.true(error instanceof BindError);
  t.is(error?.message, `Bind for 127.0.0.1:${port} failed: port is already allocated`);
  holder.close();
});

test('udp: each client gets its own replies', async (t) => {
  const echo = createSocket('udp4');
  echo.on('message', (m, from) => echo.send(Buffer.concat([Buffer.from('echo:'), m]), from.port, from.address));
  await new Promise<void>((r) => echo.bind(0, '127.0.0.1', () => r()));
  const proxy = await openProxy({proto: 'udp', hostIp: '127.0.0.1', hostPort: 0, targetIp: '127.0.0.1', targetPort: echo.address().port});
  const ask = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const c = createSocket('udp4');
      const timer = setTimeout(() => reject(new Error('no UDP reply')), 3000);
      c.on('message', (m) => {
        clearTimeout(timer);
        c.close();
        resolve(m.toString());
      });
      c.send(text, proxy.hostPort, '127.0.0.1');
    });
  const [a, b] = await Promise.all([ask('one'), ask('two')]);
  t.is(a, 'echo:one');
  t.is(b, 'echo:two');
  await proxy.close();
  echo.close();
});

test('tcp through labd-proxy: many connections at once, each stream intact both ways; close frees the port at once', async (t) => {
  t.truthy(spliceProxyPath(), 'labd-proxy is built');
  // An upstream that answers every byte it gets with its sha256 and then its own 2 MB of data.
  const upstream = createServer({allowHalfOpen: true}, (s) => {
    const hash = createHash('sha256');
    s.on('data', (d: Buffer) => hash.update(d));
    s.on('end', () => s.end(Buffer.concat([Buffer.from(hash.digest('hex')), Buffer.alloc(2 * 1024 * 1024, 9)])));
  });
  const targetPort = await listen(upstream);
  const proxy = await openProxy({proto: 'tcp', hostIp: '127.0.0.1', hostPort: 0, targetIp: '127.0.0.1', targetPort});
  const relays = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
    } catch {
      return [];
    }
  }).filter((args) => args[0]?.endsWith('labd-proxy') && args[2] === String(targetPort));
  t.is(relays.length, 1, 'one relay process serves the port');
  const one = (i: number) => new Promise<void>((resolve, reject) => {
    const payload = randomBytes(256 * 1024 + i);
    const c = connect({host: '127.0.0.1', port: proxy.hostPort, allowHalfOpen: true});
    const chunks: Buffer[] = [];
    c.on('data', (d: Buffer) => chunks.push(d));
    c.on('error', reject);
    c.on('end', () => {
      const all = Buffer.concat(chunks);
      const want = createHash('sha256').update(payload).digest('hex');
      if (all.subarray(0, 64).toString() !== want || all.length !== 64 + 2 * 1024 * 1024) reject(new Error(`connection ${i}: got ${all.length} bytes`));
      else resolve();
      c.destroy();
    });
    c.end(payload);
  });
  await Promise.all(Array.from({length: 20}, (_, i) => one(i)));
  t.pass();
  const port = proxy.hostPort;
  await proxy.close();
  const again = createServer();
  await new Promise<void>((resolve, reject) => {
    again.once('error', reject);
    again.listen(port, '127.0.0.1', () => resolve());
  });
  again.close();
  upstream.close();
});
