#!/usr/bin/env node
// `docker load` of a ~100 MB multi-layer image, `docker images` latency and idle memory: labd against the real
// dockerd (Debian's docker.io), both driven by the same docker CLI, reported as ratios of medians.
// Run by hand as root after `npm run build`:  node bench/image-load.mjs [--runs 5] [--json] [--cpu-prof]
// See bench/README.md for what is measured and how to read it.
import {spawnSync} from 'node:child_process';
import {request} from 'node:http';
import {runBench} from './lib/bench.mjs';
import {daemonCpu as engineCpu, daemonRss as readRss} from './lib/daemon-usage.mjs';
import {docker, mustDocker} from './lib/docker-cli.mjs';
import {checkPrerequisites, startEngines} from './lib/engines.mjs';
import {TAG, ensureArchive} from './lib/image-archive.mjs';
import {parseOptions} from './lib/options.mjs';
import {log, run, sleep} from './lib/proc.mjs';
import {finishLabdProfile, monotonicUs, profileLines} from './lib/profile.mjs';
import {print, table} from './lib/report.mjs';
import {openScratch, session} from './lib/session.mjs';
import {median} from './lib/stats.mjs';

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

const opts = parseOptions('image-load', usage, {
  runs: 5, warmup: 1,
  extra: {
    'images-runs': {type: 'string', default: '20'},
    idle: {type: 'string', default: '5'},
    seed: {type: 'string', default: 'lab-bench'},
  },
});
const {runs, warmup} = opts;
const imagesRuns = opts.int('images-runs');
const idleSeconds = opts.seconds('idle');

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

async function main() {
  checkPrerequisites();
  const image = await ensureArchive(opts.seed);
  const mb = image.bytes / 1e6;

  openScratch(opts.dir);
  const fsType = (await run('findmnt', ['-n', '-o', 'FSTYPE', '-T', session.dir])).stdout.trim().split('\n')[0] || 'unknown';
  log(`scratch dir ${session.dir} (${fsType})`);

  const engines = await startEngines(opts.engineNames, {cpuProf: opts['cpu-prof']});
  for (const e of engines) {
    e.driver = e.info.storage;
    if (e.name === 'dockerd' && e.driver !== 'overlay2') log(`warning: dockerd chose the ${e.driver} storage driver, not overlay2; loads are not comparable`);
  }

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

  const profile = opts['cpu-prof'] ? await finishLabdProfile(engines, ['load', 'rmi + prune']) : undefined;

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
  print(report, opts.json, () => reportLines(report));
  return true;
}

function reportLines(report) {
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
  const out = [];
  out.push('');
  out.push(`image: ${TAG}, ${(report.archive.bytes / 1e6).toFixed(1)} MB legacy docker-save archive, ${report.archive.layers.length} layers ` +
    `(${report.archive.layers.map((l) => `${l.entries} entries/${(l.tarBytes / 1e6).toFixed(1)} MB`).join(', ')})`);
  out.push(`scratch filesystem: ${report.scratchFs}; MB = 10^6 bytes; wall-clock through the docker CLI`);
  out.push('');
  out.push(...table(rows));
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
  return out;
}

await runBench('image-load', main);
