/**
 * Course images into the registry with Debian's skopeo: docker-archive:FILE:TAG → docker://HOST/library/NAME:TAG,
 * the repository Docker Hub's official images live in, so a mirror lookup of `postgres` finds `library/postgres`.
 */
import {spawn} from 'node:child_process';

/** "postgres:15" → "library/postgres:15"; "someone/tool:1" stays. */
export function registryReference(tag: string): string {
  const colon = tag.lastIndexOf(':');
  const name = tag.slice(0, colon);
  return `${name.includes('/') ? name : `library/${name}`}:${tag.slice(colon + 1)}`;
}

function skopeo(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('skopeo', args, {stdio: ['ignore', 'ignore', 'pipe']});
    const err: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', (error) => reject(new Error(`cannot run skopeo (apt-get install skopeo): ${error.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`skopeo ${args.join(' ')} failed (exit ${code}): ${Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join('\n')}`));
    });
  });
}

/** The config digest the registry holds for a reference, if any: equal to the image ID when it is up to date. */
async function storedImageId(host: string, reference: string): Promise<string | undefined> {
  const colon = reference.lastIndexOf(':');
  const r = await fetch(`http://${host}/v2/${reference.slice(0, colon)}/manifests/${reference.slice(colon + 1)}`, {
    headers: {accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json'},
  });
  if (r.status !== 200) {
    await r.arrayBuffer();
    return undefined;
  }
  const manifest = (await r.json()) as {config?: {digest?: string}};
  return manifest.config?.digest;
}

/** Pushes each tag of a docker-archive unless the registry already has that image under it; returns the refs pushed. */
export async function pushArchive(host: string, archive: string, imageId: string, tags: string[], progress: (m: string) => void): Promise<string[]> {
  const pushed: string[] = [];
  for (const tag of tags) {
    const reference = registryReference(tag);
    if ((await storedImageId(host, reference)) === imageId) continue;
    progress(`skopeo copy docker-archive:${archive}:${tag} docker://${host}/${reference}`);
    await skopeo(['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${archive}:${tag}`, `docker://${host}/${reference}`]);
    pushed.push(reference);
  }
  return pushed;
}
