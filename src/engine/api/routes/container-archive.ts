/** `docker cp` (HEAD, GET and PUT on /containers/{id}/archive) and `docker export` (a tar of the container's root). */
import type {ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {CopyError, statHeader, statPath, tarFrom, tarInto, tarOfRoot, withCopyTarget} from '../../containers/copy.js';
import type {ContainerRecord} from '../../model/container.js';
import type {Engine} from '../../composition/engine.js';
import {invalidArgument, notFound, systemError} from '../../errors.js';
import {queryBool} from '../respond.js';
import type {Router} from '../router.js';
import {posix} from 'node:path';
import {mountPointsOf} from '../../volumes/container-volumes.js';

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

function pathParam(query: URLSearchParams): string {
  const path = query.get('path');
  if (!path) throw invalidArgument('path is required: the file or directory in the container');
  return path.startsWith('/') ? path : `/${path}`;
}

/** Streams a tar process's output as the response; it dies with the client. Resolves with its exit code and errors. */
async function sendTar(tar: ChildProcess, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<{code: number | null; stderr: string}> {
  let stderr = '';
  tar.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = once(tar, 'close');
  req.socket.once('close', () => tar.kill('SIGKILL'));
  res.writeHead(200, {'Content-Type': 'application/x-tar', ...headers});
  tar.stdout!.pipe(res);
  const [code] = (await closed) as [number | null];
  return {code, stderr: stderr.trim()};
}

const missing = (c: ContainerRecord, path: string) => notFound(`Could not find the file ${path} in container ${c.Name.slice(1)}`);

function copyFailure(error: unknown): Error {
  return error instanceof CopyError ? systemError(error.message) : (error as Error);
}

export function containerArchiveRoutes(router: Router, engine: Engine): void {
  const store = engine.containers.store;
  const layers = engine.images.layers;

  router.head('/containers/{id}/archive', async ({res, params, query}) => {
    const c = store.get(params.id);
    const path = pathParam(query);
    const stat = await withCopyTarget(c, layers, (target) => statPath(target, path)).catch((e: unknown) => Promise.reject(copyFailure(e)));
    if (!stat) throw missing(c, path);
    res.writeHead(200, {[STAT_HEADER]: statHeader(stat)});
    res.end();
  });

  router.get('/containers/{id}/archive', async ({req, res, params, query}) => {
    const c = store.get(params.id);
    const path = pathParam(query);
    await withCopyTarget(c, layers, async (target) => {
      const stat = await statPath(target, path);
      if (!stat) throw missing(c, path);
      const {code, stderr} = await sendTar(tarFrom(target, path), req, res, {[STAT_HEADER]: statHeader(stat)});
      // The headers are out: a failure can only cut the archive short, and the log says why.
      if (code !== 0) engine.log.warn('docker cp: tar of a container path failed', {id: c.ID.slice(0, 12), path, error: stderr});
      else engine.events.emit('container', 'archive-path', c.ID, {name: c.Name.slice(1), path});
    }).catch((e: unknown) => Promise.reject(copyFailure(e)));
  });

  router.get('/containers/{id}/export', async ({req, res, params}) => {
    const c = store.get(params.id);
    await withCopyTarget(c, layers, async (target) => {
      const {code, stderr} = await sendTar(tarOfRoot((target as {root: string}).root), req, res, {});
      if (code !== 0) engine.log.warn('docker export: tar of the container root failed', {id: c.ID.slice(0, 12), error: stderr});
    }, true).catch((e: unknown) => Promise.reject(copyFailure(e)));
    engine.events.emit('container', 'export', c.ID, {name: c.Name.slice(1)});
  });

  router.add('PUT', '/containers/{id}/archive', async ({req, res, params, query}) => {
    const c = store.get(params.id);
    const path = pathParam(query);
    if (readOnlyMountAt(c, path)) throw systemError('mounted volume is marked read-only');
    await withCopyTarget(c, layers, async (target) => {
      const stat = await statPath(target, path);
      if (!stat) throw missing(c, path);
      if (stat.mode < 2 ** 31) throw invalidArgument(`extraction point is not a directory: ${path}`);
      await tarInto(target, path, req, queryBool(query, 'copyUIDGID'));
    }).catch((e: unknown) => Promise.reject(e instanceof CopyError ? invalidArgument(e.message) : e));
    engine.events.emit('container', 'extract-to-dir', c.ID, {name: c.Name.slice(1), path});
    res.writeHead(200);
    res.end();
  });
}

/** Whether the innermost volume or bind holding `path` (as written, links not followed) is read-only. */
function readOnlyMountAt(c: ContainerRecord, path: string): boolean {
  const target = posix.normalize(`/${path}`);
  const holders = mountPointsOf(c).filter((m) => m.Type !== 'tmpfs').filter((m) => {
    const d = posix.normalize(m.Destination).replace(/\/+$/, '');
    return target === d || target.startsWith(`${d}/`);
  });
  const innermost = holders.sort((a, b) => b.Destination.length - a.Destination.length)[0];
  return innermost !== undefined && !innermost.RW;
}
