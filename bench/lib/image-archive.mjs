// The ~100 MB image image-load.mjs loads: a legacy `docker save` archive of four generated layers, made once
// per seed and cached in bench/out/.
import {createHash} from 'node:crypto';
import {createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {Transform} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import tar from 'tar-stream';
import {MTIME, headerOf, planLayers, withDirectories} from './image-layers.mjs';
import {outDir} from './paths.mjs';
import {log} from './proc.mjs';
import {binaryContent, prng, textContent} from './synthetic-content.mjs';

export const TAG = 'bench:100mb';
// Bump when the generated content changes, so a cached archive from an older layout is not reused.
const GENERATOR_VERSION = 3;

const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');

/** Writes one layer tar to `path`; returns its sha256 (the diff ID) and the number of entries and file bytes. */
async function writeLayerTar(seed, layer, path) {
  const pack = tar.pack();
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const written = pipeline(pack, tap, createWriteStream(path));
  const rand = prng(`${seed}\0text\0${layer.name}`);
  const entries = withDirectories(layer.entries);
  let fileBytes = 0;
  for (const e of entries) {
    const header = headerOf(e);
    let body;
    if (e.type === 'file') {
      body = e.kind === 'binary' ? binaryContent(seed, `${layer.name}/${e.path}`, e.size) : textContent(rand, e.size);
      fileBytes += e.size;
    }
    await new Promise((resolveEntry, rejectEntry) => {
      const cb = (error) => (error ? rejectEntry(error) : resolveEntry());
      if (body) pack.entry(header, body, cb);
      else pack.entry(header, cb).end();
    });
  }
  pack.finalize();
  await written;
  return {diffId: `sha256:${hash.digest('hex')}`, entries: entries.length, fileBytes, tarBytes: statSync(path).size};
}

/** The legacy `docker save` layout: <id>/{VERSION,json,layer.tar}, <config>.json, manifest.json, repositories. */
async function writeImageArchive(seed, archivePath) {
  const work = mkdtempSync(join(outDir, 'gen-'));
  try {
    const layers = planLayers(seed);
    const made = [];
    for (const [i, layer] of layers.entries()) {
      const t0 = Date.now();
      const path = join(work, `layer${i}.tar`);
      const info = await writeLayerTar(seed, layer, path);
      made.push({...info, path, layer});
      log(`  layer ${i + 1} (${layer.name}): ${info.entries} entries, ${(info.tarBytes / 1e6).toFixed(1)} MB tar, ${Date.now() - t0} ms`);
    }
    const diffIds = made.map((m) => m.diffId);
    const created = MTIME.toISOString();
    const config = {
      architecture: 'amd64',
      os: 'linux',
      created,
      author: 'lab bench',
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'APP_HOME=/srv/app'],
        Cmd: ['/srv/app/bin/start'],
        WorkingDir: '/srv/app',
        Labels: {'org.opencontainers.image.title': 'lab image-load benchmark', 'bench.seed': seed},
      },
      rootfs: {type: 'layers', diff_ids: diffIds},
      history: layers.map((l) => ({created, created_by: l.createdBy})),
    };
    const configRaw = Buffer.from(JSON.stringify(config));
    const configName = `${sha256Hex(configRaw)}.json`;
    // v1-style layer directory names: any stable hex will do; these chain through the diff IDs like Docker's.
    const v1Ids = [];
    for (const [i, d] of diffIds.entries()) v1Ids.push(sha256Hex(`${i ? v1Ids[i - 1] : ''} ${d}`));
    const manifest = [{Config: configName, RepoTags: [TAG], Layers: v1Ids.map((id) => `${id}/layer.tar`)}];
    const [repo, tag] = TAG.split(':');

    const pack = tar.pack();
    const written = pipeline(pack, createWriteStream(archivePath));
    const add = (header, body) => new Promise((res, rej) => {
      const cb = (error) => (error ? rej(error) : res());
      if (body === undefined) pack.entry({mtime: MTIME, ...header}, cb).end();
      else pack.entry({mtime: MTIME, ...header}, body, cb);
    });
    for (const [i, id] of v1Ids.entries()) {
      await add({name: `${id}/`, type: 'directory', mode: 0o755});
      await add({name: `${id}/VERSION`, mode: 0o644}, Buffer.from('1.0'));
      const v1 = {id, ...(i ? {parent: v1Ids[i - 1]} : {}), created, os: 'linux', container_config: {Cmd: null}};
      await add({name: `${id}/json`, mode: 0o644}, Buffer.from(JSON.stringify(v1)));
      // Layer tars are streamed from disk with the pack's own backpressure.
      await new Promise((res, rej) => {
        const sink = pack.entry({name: `${id}/layer.tar`, mode: 0o644, size: made[i].tarBytes, mtime: MTIME}, (error) => (error ? rej(error) : res()));
        createReadStream(made[i].path).on('error', rej).pipe(sink);
      });
    }
    await add({name: configName, mode: 0o644}, configRaw);
    await add({name: 'manifest.json', mode: 0o644}, Buffer.from(JSON.stringify(manifest)));
    await add({name: 'repositories', mode: 0o644}, Buffer.from(JSON.stringify({[repo]: {[tag]: v1Ids.at(-1)}})));
    pack.finalize();
    await written;
    return {
      imageId: `sha256:${sha256Hex(configRaw)}`,
      layers: made.map((m) => ({name: m.layer.name, diffId: m.diffId, entries: m.entries, fileBytes: m.fileBytes, tarBytes: m.tarBytes})),
    };
  } finally {
    rmSync(work, {recursive: true, force: true});
  }
}

/** The archive for this seed, made once and kept in bench/out/. */
export async function ensureArchive(seed) {
  mkdirSync(outDir, {recursive: true});
  const key = sha256Hex(`${GENERATOR_VERSION}\0${seed}`).slice(0, 12);
  const archive = join(outDir, `image-100mb-${key}.tar`);
  const metaPath = `${archive}.json`;
  if (existsSync(archive) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    if (meta.bytes === statSync(archive).size) {
      log(`using cached archive ${archive} (${(meta.bytes / 1e6).toFixed(1)} MB)`);
      return {archive, ...meta};
    }
  }
  log(`generating ${archive} (seed "${seed}") ...`);
  const t0 = Date.now();
  const tmp = `${archive}.tmp-${process.pid}`;
  try {
    const info = await writeImageArchive(seed, tmp);
    const meta = {generator: GENERATOR_VERSION, seed, bytes: statSync(tmp).size, ...info};
    renameSync(tmp, archive);
    writeFileSync(metaPath, JSON.stringify(meta, null, 2));
    log(`generated ${(meta.bytes / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return {archive, ...meta};
  } finally {
    rmSync(tmp, {force: true});
  }
}
