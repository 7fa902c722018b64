/** The Engine API's HTTP servers: one per -H address, all sharing one router. */
import {chmodSync, chownSync, mkdirSync, readFileSync, rmSync} from 'node:fs';
import {createServer as createHttpServer, ServerResponse, type IncomingMessage, type Server} from 'node:http';
import type {Socket} from 'node:net';
import type {Duplex} from 'node:stream';
import {createServer as createHttpsServer} from 'node:https';
import {dirname} from 'node:path';
import type {DaemonConfig} from '../config/daemon-config.js';
import {ConfigError} from '../config/daemon-config.js';
import {isLoopbackHost, parseHost, type ListenAddress} from '../config/hosts.js';
import type {Logger} from '../util/log.js';
import {forbidden, notFound} from '../errors.js';
import {HttpStatusError, httpStatus} from './errors.js';
import {sendError} from './respond.js';
import type {Router} from './router.js';
import {splitVersion} from './version.js';

export interface Listener {
  address: ListenAddress;
  server: Server;
}

/** Browsers send Origin; DNS rebinding sends a foreign Host. Neither belongs on a loopback TCP API. */
function checkTcpRequest(req: IncomingMessage): void {
  if (req.headers.origin) throw forbidden('requests from web pages (with an Origin header) are refused by this engine');
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (host && !isLoopbackHost(host) && !host.endsWith('.localhost')) throw forbidden(`requests for host "${host}" are refused: this API only answers on loopback`);
}

/** Requests that stream for as long as the client likes; every other one should be answered in seconds. */
const STREAMING = /\/(attach|wait|logs|events|stats|build|load|get|images\/create|exec\/[^/]+\/start)(\/|\?|$)/;
const SLOW_MS = 20_000;

export function createDispatcher(router: Router, log: Logger, tcpLoopback: boolean) {
  return async (req: IncomingMessage, res: ServerResponse, upgrade?: {socket: Duplex; head: Buffer}) => {
    const started = Date.now();
    // A request that hangs is a bug; say which one in the log while it hangs, so it can be found afterwards.
    const slow = STREAMING.test(req.url ?? '') ? undefined : setTimeout(() => log.warn('request still running', {method: req.method, url: req.url, seconds: SLOW_MS / 1000}), SLOW_MS);
    slow?.unref();
    try {
      const url = new URL(req.url ?? '/', 'http://engine');
      if (tcpLoopback) checkTcpRequest(req);
      const {version, path} = splitVersion(url.pathname);
      const match = router.match(req.method ?? 'GET', path);
      if ('status' in match) {
        if (match.status === 405) throw new HttpStatusError(405, `method ${req.method} is not allowed on ${path}`);
        throw notFound(`page not found`);
      }
      await match.handler({req, res, params: match.params, query: url.searchParams, version, upgrade});
    } catch (error) {
      if (httpStatus(error) >= 500) log.error('handler failed', {method: req.method, url: req.url, error: (error as Error).stack ?? String(error)});
      sendError(res, error);
    } finally {
      clearTimeout(slow);
      log.debug('request', {method: req.method, url: req.url, ms: Date.now() - started});
    }
  };
}

function tlsOptions(config: DaemonConfig) {
  const tls = config.tls!;
  const read = (what: string, path?: string) => {
    try {
      return readFileSync(path!);
    } catch (error) {
      throw new ConfigError(`could not read ${what} ${path}: ${(error as Error).message}`);
    }
  };
  return {
    cert: read('TLS certificate', tls.cert),
    key: read('TLS key', tls.key),
    ...(tls.verify ? {ca: read('TLS CA certificate', tls.cacert), requestCert: true, rejectUnauthorized: true} : {}),
  };
}

function groupId(name: string): number | undefined {
  try {
    const line = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
    return line ? Number(line.split(':')[2]) : undefined;
  } catch {
    return undefined;
  }
}

export async function listen(config: DaemonConfig, router: Router, log: Logger): Promise<Listener[]> {
  const addresses = config.hosts.map(parseHost);
  for (const a of addresses) {
    if (a.kind === 'tcp' && !a.loopback && !config.tls && !config.allowInsecureTcp) {
      throw new ConfigError(
        `refusing to listen on ${a.url} without TLS: anyone who can reach this address would be root on this machine. ` +
          'Listen on tcp://127.0.0.1:PORT, or configure --tlsverify with --tlscacert/--tlscert/--tlskey.',
      );
    }
  }
  const listeners: Listener[] = [];
  for (const address of addresses) {
    const guard = address.kind === 'tcp' && address.loopback && !config.tls;
    const dispatch = createDispatcher(router, log, guard);
    const server = address.kind === 'tcp' && config.tls ? createHttpsServer(tlsOptions(config), dispatch) : createHttpServer(dispatch);
    // Upgrade requests get a response object of their own, so errors before the hijack read as usual.
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const res = new ServerResponse(req);
      res.assignSocket(socket as Socket);
      res.shouldKeepAlive = false;
      void dispatch(req, res, {socket, head});
    });
    server.keepAliveTimeout = 30_000;
    server.requestTimeout = 0; // loads and builds stream for as long as they take
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const where = address.kind === 'unix' ? address.path : `${address.host}:${address.port}`;
        reject(new ConfigError(`cannot listen on ${address.url}: ${error.code === 'EADDRINUSE' ? `${where} is already in use` : error.message}`));
      });
      if (address.kind === 'unix') {
        mkdirSync(dirname(address.path), {recursive: true});
        rmSync(address.path, {force: true});
        server.listen(address.path, () => resolve());
      } else {
        server.listen(address.port, address.host, () => resolve());
      }
    });
    if (address.kind === 'unix') {
      // root:docker 0660, as dockerd: only root and the docker group may talk to the engine.
      chmodSync(address.path, 0o660);
      const gid = groupId(config.group ?? 'docker');
      if (gid !== undefined) chownSync(address.path, 0, gid);
    } else if (!address.loopback && !config.tls) {
      log.warn(`API listening on ${address.url} WITHOUT TLS: anyone who can reach it controls this machine`);
    }
    log.info('API listen on ' + (address.kind === 'unix' ? address.path : `${address.host}:${address.port}`));
    listeners.push({address, server});
  }
  return listeners;
}

