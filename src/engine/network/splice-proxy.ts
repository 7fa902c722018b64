/**
 * A published TCP port served by labd-proxy (src/engine/network/relay/labd-proxy.c): the daemon binds and
 * listens here, so a port in use fails with the same error as before, then hands the listening socket to the
 * small C process, which relays every connection with splice(2). Bytes never pass through this process, which
 * keeps the daemon's event loop free and the port close to the speed of the link.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync} from 'node:fs';
import {createServer, isIPv6, type Server} from 'node:net';
import {join} from 'node:path';
import {packageRoot} from '../../common/package-root.js';
import type {Logger} from '../util/log.js';
import {bindError, type PortProxy, type ProxyTarget} from './proxy-types.js';

/** dist/shim/labd-proxy, built with the shim by `npm run build`; undefined when it has not been built. */
export function spliceProxyPath(): string | undefined {
  const path = join(packageRoot(), 'dist', 'shim', 'labd-proxy');
  return existsSync(path) ? path : undefined;
}

function listen(t: ProxyTarget): Promise<Server> {
  const server = createServer();
  // Nothing may be accepted here: connections wait in the backlog for the relay process.
  server.on('connection', (s) => s.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(bindError(error, t)));
    server.listen({host: t.hostIp, port: t.hostPort, exclusive: true, ipv6Only: isIPv6(t.hostIp)}, () => resolve(server));
  });
}

export async function openSpliceTcp(t: ProxyTarget, binary: string, log?: Logger): Promise<PortProxy> {
  const server = await listen(t);
  const port = (server.address() as {port: number}).port;
  const fd = (server as unknown as {_handle?: {fd?: number}})._handle?.fd;
  if (fd === undefined || fd < 0) {
    server.close();
    throw new Error(`cannot hand the listening socket of port ${port} to labd-proxy`);
  }
  // The listening socket becomes the child's fd 3; the daemon's own copy is closed right after, in the same
  // tick, so every connection is accepted by the relay.
  const child: ChildProcess = spawn(binary, [t.targetIp, String(t.targetPort)], {stdio: ['ignore', 'ignore', 'pipe', fd]});
  server.close();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  let closing = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      if (!closing) log?.error('a published port\'s relay ended', {port: `${t.hostIp}:${port}`, to: `${t.targetIp}:${t.targetPort}`, exit: String(signal ?? code), stderr: stderr.trim()});
      resolve();
    });
    child.once('error', (e) => {
      log?.error('cannot run labd-proxy', {port: String(port), error: e.message});
      resolve();
    });
  });
  return {
    proto: 'tcp', hostIp: t.hostIp, hostPort: port,
    // Resolves once the process is gone, so its port can be bound again at once (a restart, a new container).
    close: async () => {
      closing = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
