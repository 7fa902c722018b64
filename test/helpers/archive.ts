/** Builds image archives in memory for tests: well-formed ones, and hostile ones with chosen flaws. */
import {createHash} from 'node:crypto';
import tar from 'tar-stream';

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: Buffer | string;
  linkname?: string;
  mode?: number;
}

export function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const mode = e.mode ?? (type === 'directory' ? 0o755 : 0o644);
    const mtime = new Date(1_700_000_000_000);
    if (type === 'file') pack.entry({name: e.name, mode, mtime}, e.content ?? '');
    else pack.entry({name: e.name, type, mode, mtime, linkname: e.linkname});
  }
  pack.finalize();
  return done;
}

export const digestOf = (data: Buffer | string) => 'sha256:' + createHash('sha256').update(data).digest('hex');

export interface ImageSpec {
  layers: Buffer[];
  repoTags?: string[];
  config?: Record<string, unknown>;
  /** Override what manifest.json says (hostile archives). */
  manifest?: (m: Record<string, unknown>) => Record<string, unknown>;
  /** diff_ids to claim instead of the true ones. */
  diffIds?: string[];
  extraEntries?: TarEntry[];
}

export function imageConfig(spec: ImageSpec): Buffer {
  const diffIds = spec.diffIds ?? spec.layers.map((l) => digestOf(l));
  return Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    config: {Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']},
    rootfs: {type: 'layers', diff_ids: diffIds},
    history: spec.layers.map((_, i) => ({created: '2024-01-01T00:00:00Z', created_by: `layer ${i}`})),
    ...spec.config,
  }));
}

/** A legacy-format (`docker save` before 25) archive: <id>.json, <n>/layer.tar, manifest.json. */
export async function makeImageArchive(spec: ImageSpec): Promise<{archive: Buffer; id: string}> {
  const config = imageConfig(spec);
  const id = digestOf(config);
  const layerPaths = spec.layers.map((_, i) => `layer${i}/layer.tar`);
  let manifest: Record<string, unknown> = {Config: `${id.slice(7)}.json`, RepoTags: spec.repoTags ?? [], Layers: layerPaths};
  if (spec.manifest) manifest = spec.manifest(manifest);
  const entries: TarEntry[] = [
    {name: `${id.slice(7)}.json`, content: config},
    ...spec.layers.flatMap((l, i) => [{name: `layer${i}/`, type: 'directory' as const}, {name: layerPaths[i], content: l}]),
    {name: 'manifest.json', content: JSON.stringify([manifest])},
    ...(spec.extraEntries ?? []),
  ];
  return {archive: await makeTar(entries), id};
}
