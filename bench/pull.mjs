#!/usr/bin/env node
// `docker pull` of a ~200 MB image of five layers from a local registry (Debian's docker-registry, filled by
// skopeo): labd against the real dockerd (Debian's docker.io), runs interleaved, as ratios of medians; labd's RSS
// growth during the pull; and `docker push` of the same image when both engines push.
// Run by hand as root after `npm run build`:  node bench/pull.mjs [--runs 5] [--json]
// See bench/README.md for what is measured and how to read it.
import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {createWriteStream, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {join} from 'node:path';
import {pipeline} from 'node:stream/promises';
import tar from 'tar-stream';
import {runBench} from './lib/bench.mjs';
import {daemonCpu, daemonRss} from './lib/daemon-usage.mjs';
import {docker, mustDocker} from './lib/docker-cli.mjs';
import {checkPrerequisites, startEngines} from './lib/engines.mjs';
import {parseOptions} from './lib/options.mjs';
import {outDir} from './lib/paths.mjs';
import {log, must, run, sleep} from './lib/proc.mjs';
import {print} from './lib/report.mjs';
import {openScratch, session} from './lib/session.mjs';
import {median} from './lib/stats.mjs';
import {binaryContent} from './lib/synthetic-content.mjs';

const GOALS = {pull: 0.67, rssMiB: 64, push: 0.8};
const LAYERS = 5;
const LAYER_MB = 40;

const usage = `Usage: node bench/pull.mjs [options]

  --runs N          timed pulls per engine, interleaved (default 5)
  --warmup N        untimed pulls per engine first (default 1)
  --pushes N        warm pushes per engine, interleaved, each to a new repository (default 10)
  --cold-pushes N   cold pushes per engine, interleaved, each to a registry of its own (default 3)
  --engines LIST    labd,dockerd (default both; ratios need both)
  --dir PATH        parent directory for the engines' scratch dirs (default: the OS temp dir)
  --json            print the results as JSON on stdout (progress still goes to stderr)
  -h, --help        this text
`;

const opts = parseOptions('pull', usage, {runs: 5, warmup: 1, extra: {pushes: {type: 'string', default: '10'}, 'cold-pushes': {type: 'string', default: '3'}}});
opts.pushes = opts.int('pushes');
opts.coldPushes = opts.int('cold-pushes');

/** A docker-save archive of five layers of generated binary content (cached in bench/out/). */
async function ensureArchive() {
  mkdirSync(outDir, {recursive: true});
  const path = join(outDir, `pull-image-${LAYERS}x${LAYER_MB}mb.tar`);
  if (existsSync(path)) return path;
  log(`generating ${path} ...`);
  const work = `${path}.d`;
  rmSync(work, {recursive: true, force: true});
  mkdirSync(work, {recursive: true});
  const diffIds = [];
  for (let i = 0; i < LAYERS; i++) {
    const pack = tar.pack();
    const hash = createHash('sha256');
    const out = createWriteStream(join(work, `layer${i}.tar`));
    pack.on('data', (c) => hash.update(c));
    const done = pipeline(pack, out);
    for (let f = 0; f < 4; f++) {
      const size = (LAYER_MB / 4) * 1e6;
      pack.entry({name: `data${i}/file${f}.bin`, size, mode: 0o644, mtime: new Date('2024-03-01T12:00:00Z')}, binaryContent('lab-pull', `${i}/${f}`, size));
    }
    pack.finalize();
    await done;
    diffIds.push(`sha256:${hash.digest('hex')}`);
  }
  const config = JSON.stringify({architecture: 'amd64', os: 'linux', created: '2024-03-01T12:00:00Z', config: {Cmd: ['/bin/true']}, rootfs: {type: 'layers', diff_ids: diffIds}});
  writeFileSync(join(work, 'config.json'), config);
  writeFileSync(join(work, 'manifest.json'), JSON.stringify([{Config: 'config.json', RepoTags: ['bench:pull'], Layers: diffIds.map((_, i) => `layer${i}.tar`)}]));
  await must('tar', ['-C', work, '-cf', `${path}.tmp`, '.']);
  renameSync(`${path}.tmp`, path);
  rmSync(work, {recursive: true, force: true});
  return path;
}

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const {port} = s.address();
    s.close(() => resolve(port));
  });
});

let registries = 0;
/** A registry of its own (a cold push needs one whose repositories hold none of the layers). */
async function startRegistry() {
  const dir = join(session.dir, `registry-${registries++}`);
  mkdirSync(dir, {recursive: true});
  const host = `127.0.0.1:${await freePort()}`;
  writeFileSync(join(dir, 'config.yml'), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/storage\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n`);
  const logFd = openSync(join(dir, 'registry.log'), 'a');
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {stdio: ['ignore', logFd, logFd]});
  session.afterStop.push(() => child.kill('SIGTERM'));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, {recursive: true, force: true});
  };
  for (let i = 0; i < 100; i++) {
    if ((await run('curl', ['-sf', `http://${host}/v2/`])).code === 0) return {host, stop};
    await sleep(100);
  }
  throw new Error('docker-registry did not start');
}

async function reset(engine, name) {
  const rmi = await docker(engine, ['rmi', name]);
  if (rmi.code !== 0 && !/No such image/i.test(rmi.stderr)) throw new Error(`${engine.name}: docker rmi: ${rmi.stderr.trim()}`);
  await mustDocker(engine, ['image', 'prune', '-af']);
  await run('sync', []);
}

/**
 * One pull: wall-clock through the CLI, and the engine's RSS peak above its level when it started (memory a
 * daemon keeps after a pull counts: measuring from just before each pull would hide it).
 */
async function timedPull(engine, name) {
  await reset(engine, name);
  const base = engine.rssAtStart;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, daemonRss(engine).total)), 20);
  const r = await docker(engine, ['pull', '-q', name]);
  clearInterval(timer);
  if (r.code !== 0) throw new Error(`${engine.name}: docker pull failed: ${(r.stderr || r.stdout).trim().slice(0, 2000)}`);
  return {s: r.ms / 1000, rssGrowthMiB: (peak - base) / 1024};
}

/** One push: wall-clock through the CLI, and the CPU seconds the daemon spent (less disturbed by the machine's load). */
async function timedPush(engine, name, target) {
  await mustDocker(engine, ['tag', name, target]);
  const cpu = daemonCpu(engine);
  const r = await docker(engine, ['push', target]);
  if (r.code !== 0) return {error: (r.stderr || r.stdout).trim().split('\n').at(-1)};
  return {s: r.ms / 1000, cpuS: daemonCpu(engine) - cpu};
}

/**
 * A cold push: the image pulled before, pushed to a registry of its own that has never seen its layers, so every
 * layer is read from the store, gzipped and uploaded (nothing to mount, nothing already there).
 */
async function timedColdPush(engine, name) {
  const registry = await startRegistry();
  try {
    return await timedPush(engine, name, `${registry.host}/cold-${engine.name}:1`);
  } finally {
    await registry.stop();
  }
}

async function main() {
  checkPrerequisites();
  const archive = await ensureArchive();
  openScratch(opts.dir);
  const {host} = await startRegistry();
  const name = `${host}/bench:pull`;
  log(`filling the registry at ${host} with skopeo ...`);
  await must('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${name}`]);
  const engines = await startEngines(opts.engineNames);
  for (const e of engines) e.rssAtStart = daemonRss(e).total;
  const results = Object.fromEntries(engines.map((e) => [e.name, {pulls: [], rss: [], push: [], pushCpu: [], coldPush: [], coldPushCpu: []}]));
  for (let i = -opts.warmup; i < opts.runs; i++) {
    for (const e of engines) {
      const m = await timedPull(e, name);
      log(`${e.name.padEnd(7)} ${i < 0 ? 'warm-up pull' : `pull ${i + 1}/${opts.runs}`}: ${m.s.toFixed(2)} s, RSS growth ${m.rssGrowthMiB.toFixed(1)} MiB`);
      results[e.name].rss.push(m.rssGrowthMiB);
      if (i >= 0) results[e.name].pulls.push(m.s);
    }
  }
  // Warm pushes, interleaved, each to a new repository of the registry the image was pulled from: every layer is
  // mounted from there.
  for (let i = 0; i < opts.pushes; i++) {
    for (const e of engines) {
      if (results[e.name].pushError) continue;
      const p = await timedPush(e, name, `${host}/pushed-${e.name}-${i}:1`);
      if (p.error) {
        log(`${e.name.padEnd(7)} push: ${p.error}`);
        results[e.name].pushError = p.error;
        continue;
      }
      results[e.name].push.push(p.s);
      results[e.name].pushCpu.push(p.cpuS);
      log(`${e.name.padEnd(7)} push ${i + 1}: ${p.s.toFixed(2)} s, daemon CPU ${p.cpuS.toFixed(2)} s`);
    }
  }
  for (let i = 0; i < opts.coldPushes; i++) {
    for (const e of engines) {
      if (results[e.name].pushError) continue;
      const p = await timedColdPush(e, name);
      if (p.error) {
        log(`${e.name.padEnd(7)} cold push: ${p.error}`);
        results[e.name].pushError = p.error;
        continue;
      }
      results[e.name].coldPush.push(p.s);
      results[e.name].coldPushCpu.push(p.cpuS);
      log(`${e.name.padEnd(7)} cold push ${i + 1}: ${p.s.toFixed(2)} s, daemon CPU ${p.cpuS.toFixed(2)} s`);
    }
  }
  const report = {image: {archive, bytes: statSync(archive).size, layers: LAYERS}, runs: opts.runs, engines: results, ratios: {}};
  for (const r of Object.values(results)) {
    r.pullMedianS = median(r.pulls);
    r.rssGrowthMaxMiB = Math.max(...r.rss);
    r.pushMedianS = r.push.length ? median(r.push) : undefined;
    r.coldPushMedianS = r.coldPush.length ? median(r.coldPush) : undefined;
    r.pushCpuMedianS = r.pushCpu.length ? median(r.pushCpu) : undefined;
    r.coldPushCpuMedianS = r.coldPushCpu.length ? median(r.coldPushCpu) : undefined;
  }
  const l = results.labd;
  const d = results.dockerd;
  if (l && d) {
    report.ratios.pull = l.pullMedianS / d.pullMedianS;
    if (l.pushMedianS && d.pushMedianS) report.ratios.push = l.pushMedianS / d.pushMedianS;
    if (l.coldPushMedianS && d.coldPushMedianS) report.ratios.coldPush = l.coldPushMedianS / d.coldPushMedianS;
    if (l.pushCpuMedianS && d.pushCpuMedianS) report.ratios.pushCpu = l.pushCpuMedianS / d.pushCpuMedianS;
    if (l.coldPushCpuMedianS && d.coldPushCpuMedianS) report.ratios.coldPushCpu = l.coldPushCpuMedianS / d.coldPushCpuMedianS;
  }
  print(report, opts.json, () => {
    const lines = [];
    for (const [n, r] of Object.entries(results)) {
      lines.push(`${n.padEnd(7)} pull median ${r.pullMedianS.toFixed(2)} s (${(report.image.bytes / 1e6 / r.pullMedianS).toFixed(1)} MB/s), RSS growth max ${r.rssGrowthMaxMiB.toFixed(1)} MiB, push ${r.pushMedianS ? `${r.pushMedianS.toFixed(2)} s` : `failed: ${r.pushError}`}, cold push ${r.coldPushMedianS ? `${r.coldPushMedianS.toFixed(2)} s` : 'not measured'}`);
    }
    if (report.ratios.pull !== undefined) lines.push(`pull time labd/dockerd ${report.ratios.pull.toFixed(2)} (goal ≤ ${GOALS.pull}: ${report.ratios.pull <= GOALS.pull ? 'met' : 'NOT met'})`);
    if (l) lines.push(`labd RSS growth during pull ${l.rssGrowthMaxMiB.toFixed(1)} MiB (goal ≤ ${GOALS.rssMiB}: ${l.rssGrowthMaxMiB <= GOALS.rssMiB ? 'met' : 'NOT met'})`);
    for (const [key, what] of [['push', 'push time (warm: layers mounted or already there)'], ['coldPush', 'cold push time (every layer gzipped and uploaded)']]) {
      const ratio = report.ratios[key];
      lines.push(ratio !== undefined ? `${what} labd/dockerd ${ratio.toFixed(2)} (goal ≤ ${GOALS.push}: ${ratio <= GOALS.push ? 'met' : 'NOT met'})` : `${what} ratio: not measured (an engine could not push)`);
      const cpu = report.ratios[`${key}Cpu`];
      if (cpu !== undefined) lines.push(`  its daemon CPU seconds labd/dockerd ${cpu.toFixed(2)}`);
    }
    return lines;
  });
  return true;
}

await runBench('pull', main);
