/** A container's streams: attach (hijacked), logs, wait, resize. */
import {attachDetachKeys} from '../../containers/detach-keys.js';
import {recordLogConfig} from '../../containers/log-config.js';
import {streamLogs} from '../../containers/logs.js';
import {checkAttach} from '../../containers/state.js';
import type {Engine} from '../../composition/engine.js';
import {attachSpec, resizeShim} from '../../runtime/shim-client.js';
import {conflict, invalidArgument, notImplemented} from '../../errors.js';
import {hijack} from '../hijack.js';
import {queryBool} from '../respond.js';
import type {Router} from '../router.js';

function unixTime(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw invalidArgument(`invalid time value: ${value}`);
  return t / 1000;
}

export function containerIoRoutes(router: Router, engine: Engine): void {
  const containers = engine.containers;
  const store = containers.store;

  router.post('/containers/{id}/attach', async (ctx) => {
    const c = store.get(ctx.params.id);
    checkAttach(c, ctx.params.id);
    const q = ctx.query;
    const detachKeys = attachDetachKeys(q.get('detachKeys'));
    const streams = `${queryBool(q, 'stdin') && c.Config.OpenStdin ? 'i' : ''}${queryBool(q, 'stdout') ? 'o' : ''}${queryBool(q, 'stderr') ? 'e' : ''}` || 'oe';
    const tty = Boolean(c.Config.Tty);
    const socket = hijack(ctx, tty);
    // logs=1: what the container wrote so far comes first; stream=0: and nothing more.
    if (queryBool(q, 'logs') && c.LogPath && recordLogConfig(c.HostConfig).Type !== 'none') {
      await streamLogs(c.LogPath, socket, {stdout: streams.includes('o'), stderr: streams.includes('e'), tail: 'all', timestamps: false, tty}, false, () => false);
    }
    if (!queryBool(q, 'stream')) {
      socket.end();
      return;
    }
    const attributes = {name: c.Name.slice(1), image: c.Config.Image ?? ''};
    // As dockerd: the detach keys (a terminal's only) leave a detach event; a client that just goes away, none.
    const detach = tty ? {keys: detachKeys, onDetach: () => engine.events.emit('container', 'detach', c.ID, attributes)} : undefined;
    containers.attach.add(c.ID, socket, attachSpec({streams, detachKeys}), store.get(c.ID).State.Running, containers.paths.stateDir(c.ID), detach);
    engine.events.emit('container', 'attach', c.ID, attributes);
  });

  router.post('/containers/{id}/wait', async ({req, res, params, query}) => {
    const condition = (query.get('condition') || 'not-running') as 'not-running' | 'next-exit' | 'removed';
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw invalidArgument(`invalid condition: "${condition}"`);
    const waiting = containers.wait(params.id, condition);
    // Headers go out at once: the CLI treats a missing answer as an error, but waits as long as needed for the body.
    res.writeHead(200, {'Content-Type': 'application/json'});
    res.flushHeaders();
    req.socket.on('close', waiting.cancel);
    const code = await waiting.promise;
    res.end(JSON.stringify({StatusCode: code, Error: null}) + '\n');
  });

  router.get('/containers/{id}/logs', async (ctx) => {
    const {req, res, params, query} = ctx;
    const c = store.get(params.id);
    if (recordLogConfig(c.HostConfig).Type === 'none') throw notImplemented('configured logging driver does not support reading');
    const stdout = queryBool(query, 'stdout');
    const stderr = queryBool(query, 'stderr');
    if (!stdout && !stderr) throw invalidArgument('Bad parameters: you must choose at least one stream');
    const tailText = query.get('tail') ?? 'all';
    const tail = tailText === 'all' || tailText === '' ? 'all' : Number(tailText);
    if (tail !== 'all' && (!Number.isInteger(tail) || tail < 0)) throw invalidArgument(`invalid value for "tail": ${tailText}`);
    // As for attach: the multiplexed type is named from API 1.42 on; below it a client is told raw-stream.
    res.writeHead(200, {'Content-Type': c.Config.Tty || ctx.version < '1.42' ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream'});
    res.flushHeaders();
    await streamLogs(
      c.LogPath,
      res,
      {stdout, stderr, tail, timestamps: queryBool(query, 'timestamps'), since: unixTime(query.get('since')), until: unixTime(query.get('until')), tty: Boolean(c.Config.Tty)},
      queryBool(query, 'follow'),
      () => store.find(c.ID)?.State.Running === true && !req.socket.destroyed,
    );
    res.end();
  });

  router.post('/containers/{id}/resize', async ({res, params, query}) => {
    const c = store.get(params.id);
    if (!c.State.Running) throw conflict(`Container ${c.ID} is not running`);
    const h = Number(query.get('h'));
    const w = Number(query.get('w'));
    if (!Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0) throw invalidArgument('invalid terminal size: h and w must be non-negative integers');
    if (c.Config.Tty) await resizeShim(containers.paths.stateDir(c.ID), h, w);
    res.writeHead(200);
    res.end();
  });
}
