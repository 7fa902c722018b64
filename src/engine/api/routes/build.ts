/**
 * `POST /build`, the legacy builder API that `docker build` uses without buildx: the context tar is the body,
 * the options are query parameters, and the reply is a JSON-lines stream the CLI renders step by step.
 */
import {BuildError} from '../../dockerfile/errors.js';
import {releaseStaleMounts} from '../../build/build-root.js';
import {buildMountRoot, runBuild, type BuildOptions} from '../../build/builder.js';
import type {RunLimits} from '../../build/step-context.js';
import {BuildOutput} from '../../build/output.js';
import type {Engine} from '../../composition/engine.js';
import {parseReference, withDefaultTag, type Reference} from '../../images/reference.js';
import {invalidArgument} from '../../errors.js';
import {openJsonStream, queryBool, sendJson} from '../respond.js';
import {decodeRegistryAuth, type Credentials} from '../../registry/auth.js';
import {repositoryOf} from '../../registry/endpoint.js';
import type {Router} from '../router.js';

function jsonMap(query: URLSearchParams, name: string): Record<string, unknown> {
  const raw = query.get(name);
  if (!raw) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalidArgument(`invalid ${name}: not JSON: ${raw}`);
  }
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidArgument(`invalid ${name}: expected a JSON object of names to values`);
  return value as Record<string, unknown>;
}

function parseTags(query: URLSearchParams): Reference[] {
  return query.getAll('t').filter((t) => t !== '').map((t) => {
    let ref: Reference;
    try {
      ref = parseReference(t);
    } catch (error) {
      throw invalidArgument(`invalid tag "${t}": ${(error as Error).message}`);
    }
    if (ref.digest) throw invalidArgument(`invalid tag "${t}": a tag cannot be a digest reference`);
    return withDefaultTag(ref);
  });
}

export function parseBuildOptions(query: URLSearchParams): BuildOptions {
  if (query.get('remote')) {
    throw invalidArgument('remote build contexts (Git repositories, URLs) are not supported: this lab engine has no network; build from a local directory');
  }
  if (query.get('version') === '2') throw invalidArgument('BuildKit (builder version 2) is not supported by this engine; build with DOCKER_BUILDKIT=0');
  const buildArgs = new Map<string, string>();
  for (const [name, value] of Object.entries(jsonMap(query, 'buildargs'))) {
    // `--build-arg NAME` with NAME unset in the client's environment arrives as null: as if not given.
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string') throw invalidArgument(`invalid buildargs: the value of ${name} is not a string`);
    buildArgs.set(name, value);
  }
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(jsonMap(query, 'labels'))) {
    if (typeof value !== 'string') throw invalidArgument(`invalid labels: the value of ${name} is not a string`);
    labels[name] = value;
  }
  // rm defaults to true (API 1.12 and later) when the client does not say.
  const rm = query.get('rm') === null ? true : queryBool(query, 'rm');
  return {
    dockerfile: query.get('dockerfile') || 'Dockerfile',
    tags: parseTags(query),
    quiet: queryBool(query, 'q'),
    noCache: queryBool(query, 'nocache'),
    cacheFrom: parseCacheFrom(query.get('cachefrom')),
    removeContainers: rm || queryBool(query, 'forcerm'),
    buildArgs,
    labels,
    target: query.get('target') || undefined,
    runLimits: parseRunLimits(query),
  };
}

/** `cachefrom`: a JSON list of image names, as the CLI sends `--cache-from`. */
function parseCacheFrom(raw: string | null): string[] | undefined {
  if (!raw) return undefined;
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw invalidArgument(`invalid cachefrom: ${raw} is not a JSON list of image names`);
  }
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw invalidArgument(`invalid cachefrom: ${raw} is not a JSON list of image names`);
  return list;
}

/** The classic builder's resource flags, as the CLI sends them (0 or absent: no limit). */
function parseRunLimits(query: URLSearchParams): RunLimits {
  const int = (name: string): number | undefined => {
    const raw = query.get(name);
    if (raw === null || raw === '') return undefined;
    if (!/^-?\d+$/.test(raw)) throw invalidArgument(`invalid ${name}: "${raw}" is not a whole number`);
    return Number(raw) === 0 ? undefined : Number(raw);
  };
  const limits: RunLimits = {Memory: int('memory'), MemorySwap: int('memswap'), CpuShares: int('cpushares'), CpuPeriod: int('cpuperiod'), CpuQuota: int('cpuquota'), CpusetCpus: query.get('cpusetcpus') || undefined};
  const hosts = query.getAll('extrahosts').flatMap((h) => h.split(',')).map((h) => h.trim()).filter(Boolean);
  for (const h of hosts) if (!/^[^:\s]+:[^\s]+$/.test(h)) throw invalidArgument(`invalid extra host "${h}": expected host:ip`);
  if (hosts.length > 0) limits.ExtraHosts = hosts;
  // As dockerd's builder: RUN containers are on the default bridge unless the build names another mode.
  limits.NetworkMode = query.get('networkmode') || 'default';
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) as RunLimits;
}

/** X-Registry-Config: base64 JSON of {registry: credentials}, as the CLI sends its stored logins to a build. */
function registryConfigAuth(header: string | undefined): (ref: Reference) => Credentials {
  let map: Record<string, Credentials> = {};
  try {
    if (header) map = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, Credentials>;
  } catch {
    map = {};
  }
  return (ref) => {
    const registry = repositoryOf(ref).registry;
    const hub = registry === 'docker.io';
    const entry = Object.entries(map ?? {}).find(([key]) => key.replace(/^https?:\/\//, '').replace(/\/.*$/, '') === (hub ? 'index.docker.io' : registry));
    return decodeRegistryAuth(entry ? Buffer.from(JSON.stringify(entry[1])).toString('base64url') : undefined);
  };
}

export function buildRoutes(router: Router, engine: Engine): void {
  releaseStaleMounts(buildMountRoot(engine));
  router.post('/build', async ({req, res, query}) => {
    const opts = {...parseBuildOptions(query), registryAuth: registryConfigAuth(req.headers['x-registry-config'] as string | undefined)};
    const out = new BuildOutput(openJsonStream(res), opts.quiet);
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    try {
      const id = await runBuild(engine, req, opts, out, abort.signal);
      out.succeeded(id);
    } catch (error) {
      if (!(error instanceof BuildError)) engine.log.error('build failed', {error: (error as Error).stack ?? String(error)});
      out.failed(error instanceof Error ? error.message : String(error));
    }
    res.end();
  });

  // The legacy builder's cache is the intermediate images themselves; `docker image prune` removes those.
  router.post('/build/prune', ({res}) => sendJson(res, 200, {CachesDeleted: null, SpaceReclaimed: 0}));
}
