/** `docker cp` (HEAD, GET and PUT on /containers/{id}/archive) and `docker export` (a tar of the container's root). */
import {once} from 'node:events';
import {CopyError, statHeader, statPath, tarFrom, tarInto, tarOfRoot, withCopyTarget} from '../../containers/copy.js';
import type {ContainerRecord} from '../../containers/record.js';
import type {Engine} from '../../daemon/engine.js';
import {ApiError, badRequest, notFound} from '../errors.js';
import {queryBool} from '../respond.js';
import type {Router} from '../router.js';

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

function pathParam(query: URLSearchParams): string {
  const path = query.get('path');
  if (!path) throw badRequest('path is required: the file or directory in the container');
  return path.startsWith('/') ? path : `/${path}`;
}

const missing = (c: ContainerRecord, path: string) => notFound(`Could not find the file ${path} in container ${c.Name.slice(1)}`);

function copyFailure(error: unknown): Error {
  return error instanceof CopyError ? new ApiError(500, error.message) : (error as Error);
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
      const tar = tarFrom(target, path);
      let stderr = '';
      tar.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const closed = once(tar, 'close');
      req.socket.once('close', () => tar.kill('SIGKILL'));
      res.writeHead(200, {'Content-Type': 'application/x-tar', [STAT_HEADER]: statHeader(stat)});
      tar.stdout!.pipe(res);
      const [code] = (await closed) as [number | null];
      // The headers are out: a failure can only cut the archive short, and the log says why.
      if (code !== 0) engine.log.warn('docker cp: tar of a container path failed', {id: c.ID.slice(0, 12), path, error: stderr.trim()});
      else engine.events.emit('container', 'archive-path', c.ID, {name: c.Name.slice(1), path});
    }).catch((e: unknown) => Promise.reject(copyFailure(e)));
  });

  router.get('/containers/{id}/export', async ({req, res, params}) => {
    const c = store.get(params.id);
    await withCopyTarget(c, layers, async (target) => {
      const tar = tarOfRoot((target as {root: string}).root);
      const closed = once(tar, 'close');
      req.socket.once('close', () => tar.kill('SIGKILL'));
      res.writeHead(200, {'Content-Type': 'application/x-tar'});
      tar.stdout!.pipe(res);
      await closed;
    }, true).catch((e: unknown) => Promise.reject(copyFailure(e)));
    engine.events.emit('container', 'export', c.ID, {name: c.Name.slice(1)});
  });

  router.add('PUT', '/containers/{id}/archive', async ({req, res, params, query}) => {
    const c = store.get(params.id);
    const path = pathParam(query);
    await withCopyTarget(c, layers, async (target) => {
      const stat = await statPath(target, path);
      if (!stat) throw missing(c, path);
      if (stat.mode < 2 ** 31) throw badRequest(`extraction point is not a directory: ${path}`);
      await tarInto(target, path, req, queryBool(query, 'copyUIDGID'));
    }).catch((e: unknown) => Promise.reject(e instanceof CopyError ? badRequest(e.message) : e));
    engine.events.emit('container', 'extract-to-dir', c.ID, {name: c.Name.slice(1), path});
    res.writeHead(200);
    res.end();
  });
}
