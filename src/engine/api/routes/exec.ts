/** `docker exec`: create, start (hijacked, or detached), resize, inspect. */
import type {Duplex} from 'node:stream';
import type {Engine} from '../../composition/engine.js';
import type {ExecConfig} from '../../containers/exec.js';
import {frame} from '../../containers/logs.js';
import {invalidArgument} from '../../errors.js';
import {hijack} from '../hijack.js';
import {execCreate} from '../bodies/other-types.js';
import {readTypedBody} from '../request-body.js';
import {readJsonBody, sendJson} from '../respond.js';
import type {RequestContext, Router} from '../router.js';

/** An upgraded request's JSON body arrives in `head` (and maybe the socket); what follows it is stream data. */
async function upgradeBody<T>(ctx: RequestContext): Promise<T | undefined> {
  if (!ctx.upgrade) return readJsonBody<T>(ctx.req);
  const length = Number(ctx.req.headers['content-length'] ?? 0);
  let data = ctx.upgrade.head;
  const socket: Duplex = ctx.upgrade.socket;
  while (data.length < length) {
    const chunk = await new Promise<Buffer | null>((resolve) => {
      const onData = (c: Buffer) => {
        socket.off('end', onEnd);
        socket.pause();
        resolve(c);
      };
      const onEnd = () => {
        socket.off('data', onData);
        resolve(null);
      };
      socket.once('data', onData);
      socket.once('end', onEnd);
      socket.resume();
    });
    if (!chunk) break;
    data = Buffer.concat([data, chunk]);
  }
  ctx.upgrade.head = data.subarray(length);
  const text = data.subarray(0, length).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw invalidArgument('invalid JSON in exec start request');
  }
}

export function execRoutes(router: Router, engine: Engine): void {
  const execs = engine.containers.execs;

  router.post('/containers/{id}/exec', async ({req, res, params}) => {
    const config = await readTypedBody<ExecConfig>(req, execCreate);
    if (!config) throw invalidArgument('exec configuration is required');
    sendJson(res, 201, {Id: execs.create(params.id, config).ID});
  });

  router.post('/exec/{id}/start', async (ctx) => {
    const body = (await upgradeBody<{Detach?: boolean; Tty?: boolean}>(ctx)) ?? {};
    const e = execs.get(ctx.params.id);
    if (body.Detach) {
      await execs.start(e.ID, undefined);
      ctx.res.writeHead(200);
      ctx.res.end();
      return;
    }
    // As dockerd: the start request's Tty, not the exec's, says whether the stream is raw or multiplexed.
    const raw = Boolean(body.Tty);
    const socket = hijack(ctx, raw);
    try {
      await execs.start(e.ID, {socket, raw});
    } catch (error) {
      // As dockerd: the error goes down the stream (framed as stdout unless raw) and the exit code is kept for inspect.
      const text = Buffer.from(`${(error as Error).message}\r\n`);
      socket.end(raw ? text : frame('stdout', text));
    }
  });

  router.post('/exec/{id}/resize', async ({res, params, query}) => {
    await execs.resize(params.id, Number(query.get('h')), Number(query.get('w')));
    res.writeHead(200);
    res.end();
  });

  router.get('/exec/{id}/json', async ({res, params}) => sendJson(res, 200, await execs.inspect(params.id)));
}
