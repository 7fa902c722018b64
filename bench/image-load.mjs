#!/usr/bin/env node
// `docker load` of a ~100 MB multi-layer image, `docker images` latency and idle memory: labd against the real
// dockerd (Debian's docker.io), both driven by the same docker CLI, reported as ratios of medians.
// Run by hand as root after `npm run build`:  node bench/image-load.mjs [--runs 5] [--json] [--cpu-prof]
// See bench/README.md for what is measured and how to read it.
import {spawnSync} from 'node:child_process';
import {createCipheriv, createHash} from 'node:crypto';
import {createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {request} from 'node:http';
import {join} from 'node:path';
import {Transform} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {parseArgs} from 'node:util';
import tar from 'tar-stream';
import {cleanup, cleanupOnSignals, docker, engineDist, mustDocker, openScratch, outDir, root, session, startDockerd, startLabd} from './lib/engines.mjs';
import {monotonicUs, newestProfile, profileLines, summarizeProfile} from './lib/profile.mjs';
import {cpuSeconds, log, median, rssKiB, run, sleep} from './lib/proc.mjs';
const TAG = 'bench:100mb';
// Bump when the generated content changes, so a cached archive from an older layout is not reused.
const GENERATOR_VERSION = 3;

const usage = `Usage: node bench/image-load.mjs [options]

  --runs N          timed loads per engine (default 5)
  --warmup N        untimed loads per engine before the timed ones (default 1)
  --images-runs N   \`docker images\` calls per engine (default 20)
  --idle S          seconds of idleness before reading a daemon's RSS (default 5)
  --seed TEXT       seed of the generated image content (default "lab-bench")
  --engines LIST    labd,dockerd (default both; ratios need both)
  --dir PATH        parent directory for the engines' scratch dirs (default: the OS temp dir)
  --cpu-prof        run labd under \`node --cpu-prof\` and print its hottest functions
  --json            print the results as JSON on stdout (progress still goes to stderr)
  -h, --help        this text
`;

let opts;
try {
  opts = parseArgs({
    options: {
      runs: {type: 'string', default: '5'},
      warmup: {type: 'string', default: '1'},
      'images-runs': {type: 'string', default: '20'},
      idle: {type: 'string', default: '5'},
      seed: {type: 'string', default: 'lab-bench'},
      engines: {type: 'string', default: 'labd,dockerd'},
      dir: {type: 'string'},
      'cpu-prof': {type: 'boolean', default: false},
      json: {type: 'boolean', default: false},
      help: {type: 'boolean', short: 'h', default: false},
    },
  }).values;
} catch (error) {
  process.stderr.write(`${error.message}\n\n${usage}`);
  process.exit(2);
}
if (opts.help) {
  process.stdout.write(usage);
  process.exit(0);
}
const runs = positiveInt('runs', opts.runs);
const warmup = positiveInt('warmup', opts.warmup, true);
const imagesRuns = positiveInt('images-runs', opts['images-runs']);
const idleSeconds = Number(opts.idle);
if (!(idleSeconds >= 0)) fail(`--idle: "${opts.idle}" is not a number of seconds`);
const engineNames = opts.engines.split(',').map((s) => s.trim()).filter(Boolean);
for (const name of engineNames) if (!['labd', 'dockerd'].includes(name)) fail(`--engines: unknown engine "${name}"`);

function positiveInt(name, text, zeroOk = false) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1)) fail(`--${name}: "${text}" is not a ${zeroOk ? 'non-negative' : 'positive'} integer`);
  return n;
}

function fail(message) {
  process.stderr.write(`image-load: ${message}\n`);
  process.exit(2);
}

const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');

// ---------------------------------------------------------------------------------------------------------------
// Deterministic content
// ---------------------------------------------------------------------------------------------------------------

/** Small fast PRNG (sfc32) seeded from a string: picks sizes, names and words. */
function prng(seed) {
  const h = createHash('sha256').update(seed).digest();
  let a = h.readUInt32LE(0), b = h.readUInt32LE(4), c = h.readUInt32LE(8), d = h.readUInt32LE(12);
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

const WORDS = (
  'the of and to in is for on that with as by this be are from at or an it not which have has can will all if ' +
  'return const let var function class import export default async await new null true false undefined string number ' +
  'buffer stream layer image container config error path file directory mount overlay kernel process signal socket ' +
  'request response handler router engine daemon client server version license copyright permission warranty ' +
  'software without limitation including merchantability fitness particular purpose author contributors library ' +
  'package module install build test debug release linux amd64 x86_64 gnu glibc python node java ruby perl shell'
).split(' ');

/** Text-like bytes (source, docs, config): lines of words from the vocabulary, with indentation and punctuation. */
function textContent(rand, size) {
  const parts = [];
  let len = 0;
  while (len < size) {
    const indent = ' '.repeat(rand.int(0, 4) * 2);
    let line = indent;
    const words = rand.int(3, 14);
    for (let i = 0; i < words; i++) line += (i ? ' ' : '') + rand.pick(WORDS);
    line += rand.pick([';', '', ',', '.', ' {', ' }', ':', '']) + '\n';
    parts.push(line);
    len += line.length;
  }
  return Buffer.from(parts.join('').slice(0, size), 'latin1');
}

/**
 * Binary-like bytes (executables, shared objects, data): an AES-CTR keystream keyed by the seed and the file's
 * name, with about a quarter of the 4 KiB pages zeroed the way padding and tables are in real binaries.
 */
function binaryContent(seed, name, size) {
  const key = createHash('sha256').update(`${seed}\0key`).digest();
  const iv = createHash('sha256').update(`${seed}\0${name}`).digest().subarray(0, 16);
  const out = createCipheriv('aes-256-ctr', key, iv).update(Buffer.alloc(size));
  const rand = prng(`${seed}\0pages\0${name}`);
  for (let page = 0; page < size; page += 4096) if (rand.next() < 0.25) out.fill(0, page, Math.min(size, page + 4096));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Layer plans: what each of the four layers holds
// ---------------------------------------------------------------------------------------------------------------

const MTIME = new Date('2024-03-01T12:00:00Z');

/**
 * Each layer is a list of entries {path, type, size?, kind?, mode?, uid?, gid?, linkname?}; file content (of the
 * `kind` text or binary) is made only when the tar is written. Parent directories are added automatically.
 */
function planLayers(seed) {
  const rand = prng(`${seed}\0plan`);
  const text = (path, lo, hi, extra = {}) => ({path, type: 'file', size: rand.int(lo, hi), kind: 'text', ...extra});
  const bin = (path, size, extra = {}) => ({path, type: 'file', size, kind: 'binary', mode: 0o755, ...extra});
  const MB = 1024 * 1024;

  // 1: a distribution base: thousands of small docs, configs and man pages, some binaries and two big libraries.
  const base = [
    {path: 'bin', type: 'symlink', linkname: 'usr/bin'},
    {path: 'lib', type: 'symlink', linkname: 'usr/lib'},
    {path: 'sbin', type: 'symlink', linkname: 'usr/sbin'},
    {path: 'tmp', type: 'directory', mode: 0o1777},
    {path: 'root', type: 'directory', mode: 0o700},
  ];
  const pkgs = [];
  for (let p = 0; p < 220; p++) {
    const pkg = `pkg${String(p).padStart(3, '0')}-${rand.pick(WORDS)}`;
    pkgs.push(pkg);
    base.push(text(`usr/share/doc/${pkg}/copyright`, 600, 9000, {mode: 0o644}));
    base.push(text(`usr/share/doc/${pkg}/changelog.Debian`, 300, 6000));
    for (let m = 0; m < rand.int(1, 5); m++) base.push(text(`usr/share/man/man${rand.int(1, 8)}/${pkg}-${m}.${rand.int(1, 8)}`, 400, 12000));
    base.push(text(`var/lib/dpkg/info/${pkg}.list`, 100, 4000));
    base.push(text(`var/lib/dpkg/info/${pkg}.md5sums`, 100, 4000));
    if (rand.next() < 0.4) base.push(text(`etc/${pkg}/${pkg}.conf`, 100, 3000));
    if (rand.next() < 0.5) base.push(bin(`usr/bin/${pkg}`, rand.int(16 * 1024, 160 * 1024)));
    if (rand.next() < 0.6) base.push(bin(`usr/lib/x86_64-linux-gnu/lib${pkg}.so.1`, rand.int(8 * 1024, 100 * 1024), {mode: 0o644}));
  }
  base.push(bin('usr/lib/x86_64-linux-gnu/libc.so.6', 2 * MB, {mode: 0o644}));
  base.push(bin('usr/lib/x86_64-linux-gnu/libstdc++.so.6', 2 * MB + 123_457, {mode: 0o644}));
  base.push({path: 'usr/lib/x86_64-linux-gnu/libc.so', type: 'symlink', linkname: 'libc.so.6'});
  base.push(bin('usr/bin/su', 72_000, {mode: 0o4755}));
  base.push(bin('usr/bin/passwd', 64_000, {mode: 0o4755}));
  base.push(bin('usr/bin/gzip', 98_000));
  base.push({path: 'usr/bin/gunzip', type: 'link', linkname: 'usr/bin/gzip'});
  base.push({path: 'usr/bin/zcat', type: 'link', linkname: 'usr/bin/gzip'});
  base.push(text('etc/passwd', 900, 900), text('etc/group', 500, 500), text('etc/os-release', 260, 260));

  // 2: a toolchain: a few big binaries plus a few hundred headers.
  const toolchain = [];
  for (const name of ['cc1', 'cc1plus', 'lto1', 'gdb']) toolchain.push(bin(`opt/toolchain/bin/${name}`, rand.int(7 * MB, 9 * MB)));
  for (let i = 0; i < 320; i++) toolchain.push(text(`opt/toolchain/include/${rand.pick(WORDS)}/${rand.pick(WORDS)}-${i}.h`, 200, 20_000));

  // 3: language dependencies: many small modules, two native extensions, and whiteouts of base files.
  const deps = [];
  for (let p = 0; p < 120; p++) {
    const mod = `site-packages/mod${String(p).padStart(3, '0')}_${rand.pick(WORDS)}`;
    for (let f = 0; f < rand.int(10, 30); f++) deps.push(text(`usr/local/lib/python3.11/${mod}/${rand.pick(WORDS)}_${f}.py`, 300, 9000, {uid: 1000, gid: 1000}));
    deps.push(text(`usr/local/lib/python3.11/${mod}/__init__.py`, 0, 400, {uid: 1000, gid: 1000}));
  }
  deps.push(bin('usr/local/lib/python3.11/site-packages/numeric/_core.so', 3 * MB + 4321, {mode: 0o644}));
  deps.push(bin('usr/local/lib/python3.11/site-packages/crypto/_native.so', 3 * MB - 999, {mode: 0o644}));
  // Whiteouts: a whole directory and a file of the base layer; an opaque directory.
  deps.push({path: `usr/share/doc/.wh.${pkgs[0]}`, type: 'file', size: 0, kind: 'text'});
  deps.push({path: 'etc/.wh.os-release', type: 'file', size: 0, kind: 'text'});
  deps.push({path: 'usr/local/etc/.wh..wh..opq', type: 'file', size: 0, kind: 'text'});
  deps.push(text('usr/local/etc/app.ini', 200, 2000));

  // 4: the application: sources and assets, one big data file, and a hard link to it.
  const app = [];
  for (let i = 0; i < 1300; i++) app.push(text(`srv/app/${rand.pick(['src', 'lib', 'assets', 'locales', 'views'])}/${rand.pick(WORDS)}/${rand.pick(WORDS)}-${i}.${rand.pick(['js', 'json', 'css', 'html', 'md'])}`, 80, 6000, {uid: 1000, gid: 1000}));
  app.push(bin('srv/app/data/model.bin', 16 * MB + 77, {mode: 0o644, uid: 1000, gid: 1000}));
  app.push({path: 'srv/app/data/model-current.bin', type: 'link', linkname: 'srv/app/data/model.bin', uid: 1000, gid: 1000});
  app.push(bin('srv/app/bin/start', 12_000));

  return [
    {name: 'base', entries: base, createdBy: '/bin/sh -c #(nop) ADD file:rootfs.tar.xz in / '},
    {name: 'toolchain', entries: toolchain, createdBy: '/bin/sh -c tar -xf toolchain.tar -C /opt'},
    {name: 'deps', entries: deps, createdBy: '/bin/sh -c pip install -r requirements.txt'},
    {name: 'app', entries: app, createdBy: 'COPY . /srv/app # buildkit'},
  ];
}

/** Adds the parent directories and orders the entries the way a tar made by walking a tree would be. */
function withDirectories(entries) {
  const byPath = new Map();
  for (const e of entries) byPath.set(e.path, e);
  for (const e of entries) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!byPath.has(dir)) byPath.set(dir, {path: dir, type: 'directory'});
    }
  }
  // Sorting by path puts every directory before its contents (a prefix sorts first); hard links go last so
  // their targets are always already in place, as in a tar made by walking the tree.
  const sorted = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return [...sorted.filter((e) => e.type !== 'link'), ...sorted.filter((e) => e.type === 'link')];
}

function headerOf(e) {
  const header = {
    name: e.type === 'directory' ? `${e.path}/` : e.path,
    type: e.type,
    mode: e.mode ?? (e.type === 'directory' ? 0o755 : e.type === 'symlink' ? 0o777 : 0o644),
    uid: e.uid ?? 0,
    gid: e.gid ?? 0,
    uname: e.uid ? 'app' : 'root',
    gname: e.gid ? 'app' : 'root',
    mtime: MTIME,
    size: e.type === 'file' ? e.size : 0,
  };
  if (e.linkname !== undefined) header.linkname = e.linkname;
  return header;
}

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
async function ensureArchive(seed) {
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

// ---------------------------------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------------------------------

const engineCpu = (engine) => Object.values(engine.pids()).reduce((sum, pid) => sum + (pid ? cpuSeconds(pid) : 0), 0);

/** Back to an empty store: untag, then prune so every layer is really deleted and the next load unpacks again. */
async function reset(engine) {
  const t0 = process.hrtime.bigint();
  const rmi = await docker(engine, ['rmi', TAG]);
  if (rmi.code !== 0 && !/No such image|not found/i.test(rmi.stderr)) throw new Error(`${engine.name}: docker rmi: ${rmi.stderr.trim()}`);
  await mustDocker(engine, ['image', 'prune', '-af']);
  const left = (await mustDocker(engine, ['images', '-aq'])).stdout.trim();
  if (left) throw new Error(`${engine.name}: images remain after rmi + prune: ${left.split('\n').join(' ')}`);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // Write back the previous run's files now, so that I/O is not charged to the next timed load.
  spawnSync('sync');
  return seconds;
}

/** One fresh load: wall-clock seconds through the CLI, and the CPU seconds the daemon side spent on it. */
async function timedLoad(engine, archive) {
  const t0 = monotonicUs();
  const resetS = await reset(engine);
  const t1 = monotonicUs();
  const cpu0 = engineCpu(engine);
  const r = await docker(engine, ['load', '-i', archive]);
  // Phases by monotonic time (the clock V8 stamps profile samples with), to split labd's CPU profile.
  engine.windows?.push({phase: 'rmi + prune', from: t0, to: t1}, {phase: 'load', from: t1, to: monotonicUs()});
  if (r.code !== 0 || !r.stdout.includes(`Loaded image: ${TAG}`)) {
    throw new Error(`${engine.name}: docker load failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 2000)}`);
  }
  return {s: r.ms / 1000, cpu: engineCpu(engine) - cpu0, resetS};
}

/** One `GET /images/json` straight over the socket, on a fresh connection like the CLI makes. */
function apiImagesMs(engine) {
  return new Promise((resolveReq, rejectReq) => {
    const t0 = process.hrtime.bigint();
    const req = request({socketPath: engine.sock, path: '/v1.41/images/json', agent: false}, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) rejectReq(new Error(`${engine.name}: GET /images/json answered ${res.statusCode}`));
        else resolveReq(Number(process.hrtime.bigint() - t0) / 1e6);
      });
    });
    req.on('error', rejectReq);
    req.end();
  });
}

async function imagesLatency(engine) {
  const list = (await mustDocker(engine, ['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout;
  if (!list.split('\n').includes(TAG)) throw new Error(`${engine.name}: ${TAG} is not listed by docker images`);
  const cli = [];
  for (let i = 0; i < imagesRuns; i++) {
    const r = await mustDocker(engine, ['images']);
    cli.push(r.ms);
  }
  const api = [];
  for (let i = 0; i < imagesRuns; i++) api.push(await apiImagesMs(engine));
  return {cliMs: median(cli), apiMs: median(api), cliAll: cli, apiAll: api};
}

function readRss(engine) {
  const out = {};
  for (const [name, pid] of Object.entries(engine.pids())) {
    const kib = rssKiB(pid);
    if (kib !== undefined) out[name] = kib;
  }
  out.total = Object.values(out).reduce((a, b) => a + b, 0);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------------

async function main() {
  if (process.getuid?.() !== 0) throw new Error('run this as root: both engines mount filesystems and need root');
  if (!existsSync(join(engineDist(), 'daemon', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const image = await ensureArchive(opts.seed);
  const mb = image.bytes / 1e6;

  openScratch(opts.dir);
  const fsType = (await run('findmnt', ['-n', '-o', 'FSTYPE', '-T', session.dir])).stdout.trim().split('\n')[0] || 'unknown';
  log(`scratch dir ${session.dir} (${fsType})`);

  const engines = [];
  if (engineNames.includes('dockerd')) {
    log('starting dockerd ...');
    const e = await startDockerd(session.dir);
    session.engines.push(e);
    engines.push(e);
    const v = (await mustDocker(e, ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'])).stdout.trim();
    e.version = v;
    e.driver = (await mustDocker(e, ['info', '--format', '{{.Driver}}'])).stdout.trim();
    if (e.driver !== 'overlay2') log(`warning: dockerd chose the ${e.driver} storage driver, not overlay2; loads are not comparable`);
    log(`dockerd ${v} up, pid ${e.pid}${e.containerdPid ? `, containerd pid ${e.containerdPid}` : ''}`);
  }
  if (engineNames.includes('labd')) {
    log(`starting labd${opts['cpu-prof'] ? ' under --cpu-prof' : ''} ...`);
    const e = await startLabd(session.dir, {cpuProf: opts['cpu-prof'] ? join(outDir, 'prof') : undefined});
    session.engines.push(e);
    engines.push(e);
    e.version = (await mustDocker(e, ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'])).stdout.trim();
    e.driver = (await mustDocker(e, ['info', '--format', '{{.Driver}}'])).stdout.trim();
    log(`labd ${e.version} up, pid ${e.pid}`);
  }
  engines.sort((a, b) => (a.name === 'labd' ? -1 : b.name === 'labd' ? 1 : 0));

  log(`idle ${idleSeconds}s, then reading each daemon's RSS ...`);
  await sleep(idleSeconds * 1000);
  const results = Object.fromEntries(engines.map((e) => [e.name, {version: e.version, driver: e.driver ?? 'overlay2', loads: [], loadCpu: [], resets: [], rssAfterLoad: [], rssStart: readRss(e)}]));

  // Warm-up, then the timed loads, alternating between the engines so drift in the machine hits both alike.
  for (let i = 0; i < warmup; i++) {
    for (const e of engines) {
      const {s} = await timedLoad(e, image.archive);
      log(`${e.name.padEnd(7)} warm-up load ${s.toFixed(2)} s`);
    }
  }
  for (let i = 0; i < runs; i++) {
    for (const e of engines) {
      const {s, cpu, resetS} = await timedLoad(e, image.archive);
      if (i === 0) {
        // Both engines must have made the same image: its ID is the sha256 of the config.
        const id = (await mustDocker(e, ['image', 'inspect', '--format', '{{.Id}}', TAG])).stdout.trim();
        results[e.name].imageId = id;
        if (id !== image.imageId) throw new Error(`${e.name} gives the image ID ${id}, expected ${image.imageId}`);
      }
      results[e.name].loads.push(s);
      results[e.name].loadCpu.push(cpu);
      // rmi + prune of the previous run's image (the first timed run removes the warm-up's, if any).
      if (i > 0 || warmup > 0) results[e.name].resets.push(resetS);
      // Memory right after each load: steady growth from run to run would point at a leak.
      results[e.name].rssAfterLoad.push(readRss(e).total);
      log(`${e.name.padEnd(7)} load ${i + 1}/${runs}: ${s.toFixed(2)} s (${(mb / s).toFixed(1)} MB/s), daemon CPU ${cpu.toFixed(2)} s`);
    }
  }
  for (const e of engines) {
    const r = results[e.name];
    r.loadMedianS = median(r.loads);
    r.loadMBps = mb / r.loadMedianS;
    r.loadCpuMedianS = median(r.loadCpu);
    r.resetMedianS = r.resets.length ? median(r.resets) : undefined;
    Object.assign(r, await imagesLatency(e));
    log(`${e.name.padEnd(7)} docker images median ${r.cliMs.toFixed(1)} ms (API ${r.apiMs.toFixed(2)} ms)`);
  }
  log(`idle ${idleSeconds}s with the image loaded, then reading RSS again ...`);
  await sleep(idleSeconds * 1000);
  for (const e of engines) results[e.name].rssLoaded = readRss(e);

  let profile;
  if (opts['cpu-prof']) {
    const labd = engines.find((e) => e.name === 'labd');
    if (labd) {
      await labd.stop();
      session.engines = session.engines.filter((e) => e !== labd);
      const file = newestProfile(labd.profDir, labd.profStart);
      if (file) profile = ['load', 'rmi + prune'].map((phase) => summarizeProfile(file, labd.windows, phase));
      else log('no CPU profile was written (did labd exit cleanly?)');
    }
  }

  const report = {
    archive: {path: image.archive, bytes: image.bytes, imageId: image.imageId, layers: image.layers},
    runs, warmup, imagesRuns, idleSeconds, scratchFs: fsType,
    node: process.version,
    engines: results,
    ratios: {},
  };
  if (results.labd && results.dockerd) {
    const l = results.labd;
    const d = results.dockerd;
    report.ratios = {
      loadThroughput: l.loadMBps / d.loadMBps,
      // Runs alternate between the engines, so run i of each saw the same machine: the median of the per-run
      // ratios is less sensitive to drift (other load, writeback) than the ratio of the medians.
      loadThroughputPaired: median(l.loads.map((s, i) => d.loads[i] / s)),
      loadCpu: l.loadCpuMedianS / d.loadCpuMedianS,
      imagesLatencyCli: l.cliMs / d.cliMs,
      imagesLatencyApi: l.apiMs / d.apiMs,
      rssStart: l.rssStart.total / d.rssStart.total,
      rssLoaded: l.rssLoaded.total / d.rssLoaded.total,
    };
  }
  if (profile) report.labdProfile = profile;
  if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else printReport(report);
}

function printReport(report) {
  const {engines: r, ratios} = report;
  const names = Object.keys(r);
  const mib = (kib) => (kib === undefined ? '-' : `${(kib / 1024).toFixed(1)} MiB`);
  const rssText = (rss) => Object.entries(rss).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${mib(v)}`).join(' + ');
  const rows = [
    ['', ...names],
    ['server version', ...names.map((n) => r[n].version)],
    ['storage driver', ...names.map((n) => r[n].driver)],
    [`docker load median (${report.runs} runs)`, ...names.map((n) => `${r[n].loadMedianS.toFixed(2)} s`)],
    ['  throughput', ...names.map((n) => `${r[n].loadMBps.toFixed(1)} MB/s`)],
    ['  all runs', ...names.map((n) => r[n].loads.map((s) => s.toFixed(2)).join(' '))],
    ['  daemon CPU per load', ...names.map((n) => `${r[n].loadCpuMedianS.toFixed(2)} s`)],
    ['  rmi + image prune -af', ...names.map((n) => (r[n].resetMedianS === undefined ? '-' : `${r[n].resetMedianS.toFixed(2)} s`))],
    ['  RSS after each load', ...names.map((n) => r[n].rssAfterLoad.map((k) => (k / 1024).toFixed(0)).join(' ') + ' MiB')],
    [`docker images median (${report.imagesRuns} runs)`, ...names.map((n) => `${r[n].cliMs.toFixed(1)} ms`)],
    ['  GET /images/json alone', ...names.map((n) => `${r[n].apiMs.toFixed(2)} ms`)],
    [`idle RSS at start`, ...names.map((n) => mib(r[n].rssStart.total))],
    [`idle RSS, image loaded`, ...names.map((n) => mib(r[n].rssLoaded.total))],
    ['  of which', ...names.map((n) => rssText(r[n].rssLoaded))],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  const line = (row) => row.map((cell, c) => String(cell).padEnd(widths[c])).join('   ').trimEnd();
  const out = [];
  out.push('');
  out.push(`image: ${TAG}, ${(report.archive.bytes / 1e6).toFixed(1)} MB legacy docker-save archive, ${report.archive.layers.length} layers ` +
    `(${report.archive.layers.map((l) => `${l.entries} entries/${(l.tarBytes / 1e6).toFixed(1)} MB`).join(', ')})`);
  out.push(`scratch filesystem: ${report.scratchFs}; MB = 10^6 bytes; wall-clock through the docker CLI`);
  out.push('');
  out.push(line(rows[0]));
  out.push(widths.map((w) => '-'.repeat(w)).join('   '));
  for (const row of rows.slice(1)) out.push(line(row));
  out.push('');
  if (ratios.loadThroughput !== undefined) {
    out.push(`load throughput labd/dockerd = ${ratios.loadThroughput.toFixed(2)}x   (>1: labd loads faster; median of per-run ratios ${ratios.loadThroughputPaired.toFixed(2)}x; daemon CPU per load ${ratios.loadCpu.toFixed(2)}x)`);
    out.push(`images latency  labd/dockerd = ${ratios.imagesLatencyCli.toFixed(2)}x   (<1: labd answers faster; API alone ${ratios.imagesLatencyApi.toFixed(2)}x)`);
    out.push(`idle RSS        labd/dockerd = ${ratios.rssLoaded.toFixed(2)}x   (dockerd counted with its containerd; at start ${ratios.rssStart.toFixed(2)}x)`);
  }
  for (const p of report.labdProfile ?? []) {
    out.push('');
    out.push(...profileLines(p));
  }
  process.stdout.write(out.join('\n') + '\n');
}

cleanupOnSignals();
let exitCode = 0;
try {
  await main();
} catch (error) {
  // After a signal, whatever was running fails because its daemon went away: not worth reporting.
  if (!session.interrupted) log(`failed: ${error.stack ?? error}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exitCode = exitCode;
