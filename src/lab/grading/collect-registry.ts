/**
 * What `docker info` and `docker version` show of the daemon, and the course registry as the engine knows it (its
 * first registry mirror) read over the Registry HTTP API: which repositories it holds and each tag's manifest digest.
 */
import type {EngineClient} from '../../engine/client/index.js';
import type {EngineFacts, RegistrySnapshot} from '../../../graders/snapshot.js';

interface InfoAnswer {
  ID?: string;
  Name?: string;
  ServerVersion?: string;
  RegistryConfig?: {Mirrors?: string[] | null};
}

export async function engineFacts(engine: EngineClient): Promise<EngineFacts> {
  const [info, version] = await Promise.all([engine.json<InfoAnswer>('GET', '/info'), engine.json<{ApiVersion?: string}>('GET', '/version')]);
  return {id: info.ID ?? '', name: info.Name ?? '', serverVersion: info.ServerVersion ?? '', apiVersion: version.ApiVersion ?? '', mirrors: info.RegistryConfig?.Mirrors ?? []};
}

const manifestTypes = ['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.index.v1+json'];

async function getJson<T>(url: string): Promise<T | undefined> {
  const r = await fetch(url, {signal: AbortSignal.timeout(5000)});
  const body = await r.text();
  return r.ok ? (JSON.parse(body) as T) : undefined;
}

/** The mirror's catalog, and for each repository asked about its tags and their manifest digests. */
export async function registrySnapshot(mirror: string | undefined, repos: string[]): Promise<RegistrySnapshot> {
  if (!mirror) return {url: '', host: '', catalog: [], tags: {}, error: 'the engine has no registry mirror (docker info: Registry Mirrors)'};
  const url = mirror.replace(/\/+$/, '');
  const out: RegistrySnapshot = {url, host: new URL(url).host, catalog: [], tags: {}};
  try {
    out.catalog = (await getJson<{repositories?: string[]}>(`${url}/v2/_catalog?n=1000`))?.repositories ?? [];
    for (const repo of repos) {
      const tags = (await getJson<{tags?: string[] | null}>(`${url}/v2/${repo}/tags/list`))?.tags ?? [];
      out.tags[repo] = {};
      for (const tag of tags) {
        const r = await fetch(`${url}/v2/${repo}/manifests/${tag}`, {method: 'HEAD', headers: {Accept: manifestTypes.join(', ')}, signal: AbortSignal.timeout(5000)});
        const digest = r.headers.get('docker-content-digest');
        if (r.ok && digest) out.tags[repo][tag] = digest;
      }
    }
  } catch (error) {
    out.error = `${url}: ${(error as Error).message}`;
  }
  return out;
}
