/** The endpoints that talk to registries: pull (`POST /images/create?fromImage=`), push, login (`/auth`), search. */
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Engine} from '../../composition/engine.js';
import {EngineError, invalidArgument} from '../../errors.js';
import {parseReference, type Reference} from '../../images/reference.js';
import {LayerError} from '../../layers/index.js';
import {decodeRegistryAuth} from '../../registry/auth.js';
import {parsePlatform} from '../../registry/manifest.js';
import type {ProgressMessage} from '../../registry/progress.js';
import {pullImage} from '../../registry/pull.js';
import {pushImage} from '../../registry/push.js';
import {login} from '../../registry/login.js';
import {search} from '../../registry/search.js';
import {readJsonBody, sendJson} from '../respond.js';
import type {Router} from '../router.js';
import {RegistryError} from '../../registry/registry-error.js';

/** A registry failure as the engine error the API answers with. */
export function asEngineError(error: unknown): unknown {
  if (error instanceof RegistryError) return new EngineError(error.kind, error.message);
  if (error instanceof LayerError) return invalidArgument(`invalid layer: ${error.message}`);
  return error;
}

/** `fromImage=busybox&tag=1.36` or `tag=sha256:…` (the CLI sends a digest there) as one reference. */
export function pullReference(fromImage: string, tag: string | null): Reference {
  const parsed = parseReference(fromImage);
  if (!tag) return parsed;
  if (/^sha256:/.test(tag)) return parseReference(`${parsed.repo}@${tag}`);
  return parseReference(`${parsed.repo}:${tag}`);
}

/**
 * A JSON-lines stream opened at the first message, so failures before any progress answer with a status and
 * dockerd's message (the CLI's `docker run` relies on that), and later ones in the stream.
 */
export function lazyStream(res: ServerResponse) {
  return {
    write(message: ProgressMessage | Record<string, unknown>) {
      if (res.writableEnded) return;
      if (!res.headersSent) {
        res.writeHead(200, {'Content-Type': 'application/json'});
      }
      res.write(JSON.stringify(message) + '\n');
    },
    get started() {
      return res.headersSent;
    },
  };
}

/** Aborted when the client goes away before the answer is complete. */
export function clientGone(req: IncomingMessage, res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  req.on('aborted', () => controller.abort());
  return controller.signal;
}

export async function pullRoute(engine: Engine, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const ref = pullReference(query.get('fromImage') ?? '', query.get('tag'));
  const stream = lazyStream(res);
  const signal = clientGone(req, res);
  try {
    const result = await pullImage(
      engine.images,
      engine.config.registry,
      {ref, creds: decodeRegistryAuth(req.headers['x-registry-auth'] as string | undefined), platform: parsePlatform(query.get('platform')), signal},
      (m) => stream.write(m),
    );
    engine.events.emit('image', 'pull', result.name, {name: result.name});
    res.end();
  } catch (error) {
    const converted = asEngineError(error);
    if (!(error instanceof RegistryError) && !(error instanceof LayerError)) engine.log.error('pull failed', {error: (error as Error).stack ?? String(error)});
    throw converted;
  }
}

export function registryRoutes(router: Router, engine: Engine): void {
  router.post('/images/{name*}/push', async ({req, res, params, query}) => {
    const repo = parseReference(params.name);
    const tag = query.get('tag');
    // No tag: every tag of the repository, as the CLI's `docker push --all-tags` asks.
    const tags = tag ? [tag] : engine.images.refs.all().filter((r) => r.repo === repo.repo && !r.ref.includes('@')).map((r) => r.ref.slice(r.ref.lastIndexOf(':') + 1));
    if (tags.length === 0) throw new EngineError('not-found', `An image does not exist locally with the tag: ${repo.repo}`);
    for (const t of tags) engine.images.resolve(`${repo.repo}:${t}`);
    const stream = lazyStream(res);
    const signal = clientGone(req, res);
    const creds = decodeRegistryAuth(req.headers['x-registry-auth'] as string | undefined);
    try {
      for (const t of tags) {
        const result = await pushImage(engine.images, engine.config.registry, {repo: repo.repo, tag: t}, creds, (m) => stream.write(m), signal);
        stream.write({progressDetail: {}, aux: {Tag: t, Digest: result.digest, Size: result.size}});
        engine.events.emit('image', 'push', `${repo.repo}:${t}`, {name: `${repo.repo}:${t}`});
      }
      res.end();
    } catch (error) {
      throw asEngineError(error);
    }
  });

  router.post('/auth', async ({req, res}) => {
    const body = (await readJsonBody<Record<string, unknown>>(req)) ?? {};
    const creds = decodeRegistryAuth(Buffer.from(JSON.stringify(body)).toString('base64url'));
    try {
      await login(creds, engine.config.registry);
    } catch (error) {
      throw asEngineError(error);
    }
    sendJson(res, 200, {Status: 'Login Succeeded', IdentityToken: ''});
  });

  router.get('/images/search', async ({req, res, query}) => {
    const term = query.get('term') ?? '';
    if (term === '') throw invalidArgument('term is required');
    const limit = Number(query.get('limit') || 25);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidArgument(`limit ${query.get('limit')} is outside the range of [1, 100]`);
    let results;
    try {
      results = await search(term, limit, decodeRegistryAuth(req.headers['x-registry-auth'] as string | undefined), engine.config.registry);
    } catch (error) {
      throw asEngineError(error);
    }
    sendJson(res, 200, results);
  });
}
