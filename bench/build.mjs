#!/usr/bin/env node
// `docker build` of seed 001's FROM scratch context (a static hello) with the legacy builder (DOCKER_BUILDKIT=0),
// cold (--no-cache, the image removed before) and cached (the same context built again): labd against the real
// dockerd (Debian's docker.io), both driven by the same docker CLI, reported as ratios of medians.
// Run by hand as root after `npm run build`:  node bench/build.mjs [--runs 11] [--json] [--cpu-prof]
// See bench/README.md for what is measured and how to read it.
import {copyFileSync, mkdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {join} from 'node:path';
import {runBench} from './lib/bench.mjs';
import {daemonCpu} from './lib/daemon-usage.mjs';
import {docker, mustDocker} from './lib/docker-cli.mjs';
import {checkPrerequisites, logFileOf, startEngines} from './lib/engines.mjs';
import {hostInfo, readLoad} from './lib/host.mjs';
import {parseOptions} from './lib/options.mjs';
import {root} from './lib/paths.mjs';
import {log, must, run} from './lib/proc.mjs';
import {finishLabdProfile, monotonicUs, profileReport} from './lib/profile.mjs';
import {allRunsLine, failureLines, goalText, table, finish} from './lib/report.mjs';
import {RunError, interleaved} from './lib/runs.mjs';
import {openScratch, session} from './lib/session.mjs';
import {median, pairedRatio, stats} from './lib/stats.mjs';

const GOALS = {cold: 0.25, cached: 0.2};
const TAG = 'hello:latest';
const DOCKERFILE = 'FROM scratch\nCOPY hello /hello\nENTRYPOINT ["./hello"]\n';

const usage = `Usage: node bench/build.mjs [options]

  --runs N          timed rounds per engine, interleaved (default 11); a round is a cold build, then a cached one
  --warmup N        untimed rounds per engine first (default 1)
  --floor-runs N    \`docker build\` against a stub that reads the context and answers at once: what the CLI
                    alone costs (start-up, tarring and sending the context, exit), which both engines pay
                    (default 9; 0: none)
  --engines LIST    labd,dockerd (default both; ratios need both)
  --dir PATH        parent directory for the engines' scratch dirs (default: the OS temp dir)
  --cpu-prof        run labd under \`node --cpu-prof\` and print its hottest functions during the timed builds
  --json            print the results as JSON on stdout (progress still goes to stderr)
  -h, --help        this text
`;

const opts = parseOptions('build', usage, {runs: 11, warmup: 1, minRuns: 3, extra: {'floor-runs': {type: 'string', default: '9'}}});
const floorRuns = opts.int('floor-runs', true);

/** Seed 001's context: hello.c, the static hello compiled from it, and the Dockerfile. */
async function makeContext(dir) {
  mkdirSync(dir, {recursive: true});
  copyFileSync(join(root, 'exercises', '26', 'files', 'hello.c'), join(dir, 'hello.c'));
  await must('gcc', ['-static', '-o', join(dir, 'hello'), join(dir, 'hello.c')]);
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  return {dir, helloBytes: statSync(join(dir, 'hello')).size};
}

/** Before a cold build: the image (and with it the intermediate images it was built on) gone, nothing left. */
async function reset(engine) {
  const has = await docker(engine, ['image', 'inspect', TAG]);
  if (has.code === 0) await mustDocker(engine, ['rmi', TAG]);
  let left = (await mustDocker(engine, ['images', '-aq'])).stdout.trim();
  if (left) {
    await mustDocker(engine, ['image', 'prune', '-af']);
    left = (await mustDocker(engine, ['images', '-aq'])).stdout.trim();
    if (left) throw new Error(`${engine.name}: images left after rmi and prune: ${left.replace(/\n/g, ' ')}`);
  }
  const containers = (await mustDocker(engine, ['ps', '-aq'])).stdout.trim();
  if (containers) throw new Error(`${engine.name}: containers left behind by a build: ${containers.replace(/\n/g, ' ')}`);
  // The previous round's writeback is not charged to the next one.
  await run('sync', []);
}

/** One `docker build`; with `phase` (a timed build), its span is a window of labd's CPU profile. */
async function build(engine, ctx, noCache, phase) {
  const args = ['build', ...(noCache ? ['--no-cache'] : []), '-t', TAG, ctx.dir];
  const cpu0 = daemonCpu(engine);
  const from = monotonicUs();
  const r = await docker(engine, args);
  if (phase) engine.windows?.push({phase, from, to: monotonicUs()});
  const cpuMs = (daemonCpu(engine) - cpu0) * 1000;
  if (r.code !== 0) throw new RunError(`docker ${args.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  const id = /Successfully built ([0-9a-f]{12})\n/.exec(r.stdout)?.[1];
  if (!id || !r.stdout.includes(`Successfully tagged ${TAG}\n`)) throw new RunError(`docker ${args.join(' ')} printed no "Successfully built/tagged":\n${r.stdout}`);
  const cacheHits = r.stdout.match(/ ---> Using cache\n/g)?.length ?? 0;
  return {ms: r.ms, cpuMs, id, cacheHits, stdout: r.stdout};
}

/**
 * The CLI's own share of a build: a stub engine on a unix socket that answers the ping, reads the whole
 * context and answers the build at once with the legacy builder's output. Median wall-clock of the CLI.
 */
async function cliFloor(ctx) {
  const sock = join(session.dir, 'stub.sock');
  rmSync(sock, {force: true});
  const line = (o) => JSON.stringify(o) + '\n';
  const server = createServer((req, res) => {
    const headers = {'Api-Version': '1.41', 'Ostype': 'linux', 'Docker-Experimental': 'false', 'Builder-Version': '1', 'Server': 'Docker/20.10.24 (linux)'};
    if (/\/_ping$/.test(req.url)) {
      res.writeHead(200, {...headers, 'Content-Type': 'text/plain; charset=utf-8'});
      res.end(req.method === 'HEAD' ? undefined : 'OK');
      return;
    }
    if (req.method === 'POST' && /\/build\?/.test(req.url)) {
      let bytes = 0;
      req.on('data', (c) => (bytes += c.length));
      req.on('end', () => {
        res.writeHead(200, {...headers, 'Content-Type': 'application/json'});
        res.end([
          line({stream: 'Step 1/3 : FROM scratch\n'}), line({stream: ' ---> \n'}),
          line({stream: 'Step 2/3 : COPY hello /hello\n'}), line({stream: ' ---> Using cache\n'}), line({stream: ' ---> 0123456789ab\n'}),
          line({stream: 'Step 3/3 : ENTRYPOINT ["./hello"]\n'}), line({stream: ' ---> Using cache\n'}), line({stream: ' ---> 123456789abc\n'}),
          line({aux: {ID: `sha256:${'1'.repeat(64)}`}}), line({stream: 'Successfully built 123456789abc\n'}), line({stream: `Successfully tagged ${TAG}\n`}),
        ].join(''));
        server.contextBytes = bytes;
      });
      return;
    }
    res.writeHead(404, {...headers, 'Content-Type': 'application/json'});
    res.end(line({message: `the stub answers only the ping and the build, not ${req.method} ${req.url}`}));
  });
  await new Promise((resolve, reject) => server.listen(sock, resolve).once('error', reject));
  try {
    const times = [];
    for (let i = 0; i < floorRuns + 1; i++) {
      const r = await docker({name: 'stub'}, ['build', '-t', TAG, ctx.dir], {host: `unix://${sock}`});
      if (r.code !== 0 || !r.stdout.includes(`Successfully tagged ${TAG}`)) throw new Error(`docker build against the stub exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
      if (i > 0) times.push(r.ms);
    }
    log(`CLI floor: docker build against a stub that answers at once: median ${median(times).toFixed(1)} ms (context ${server.contextBytes} bytes)`);
    return {median: median(times), all: times, contextBytes: server.contextBytes};
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** One round: reset, a cold build, the same context built again (every step must come from the cache). */
async function round(engine, ctx, timed) {
  await reset(engine);
  const cold = await build(engine, ctx, true, timed && 'cold');
  if (cold.cacheHits !== 0) throw new RunError(`the --no-cache build used the cache ${cold.cacheHits} time(s):\n${cold.stdout}`);
  const cached = await build(engine, ctx, false, timed && 'cached');
  if (cached.cacheHits !== 2) throw new RunError(`the second build used the cache ${cached.cacheHits} time(s), expected 2 (COPY, ENTRYPOINT):\n${cached.stdout}`);
  if (cached.id !== cold.id) throw new RunError(`the cached build gave image ${cached.id}, the cold one ${cold.id}`);
  return {cold: cold.ms, cached: cached.ms, coldCpu: cold.cpuMs, cachedCpu: cached.cpuMs};
}

async function main() {
  checkPrerequisites();
  openScratch(opts.dir);
  // The legacy builder on both engines (docker CLI 28 warns that it is deprecated, on stderr).
  session.cliEnv = {...session.cliEnv, DOCKER_BUILDKIT: '0'};
  log(`scratch dir ${session.dir}`);
  const ctx = await makeContext(join(session.dir, 'seed001'));
  log(`context ${ctx.dir}: hello.c, hello (static, ${(ctx.helloBytes / 1024).toFixed(0)} KiB), Dockerfile`);

  const floor = floorRuns > 0 ? await cliFloor(ctx) : undefined;
  const engines = await startEngines(opts.engineNames, {cpuProf: opts['cpu-prof']});
  for (const e of engines) {
    // It must build and the image must run before anything is timed.
    const b = await build(e, ctx, true);
    const r = await docker(e, ['run', '--rm', '--network', 'none', TAG, '123']);
    if (r.code !== 0 || r.stdout !== 'Hello, 123\n') throw new Error(`${e.name}: docker run --rm ${TAG} 123 exited ${r.code}, printed ${JSON.stringify(r.stdout)} ${r.stderr.trim()}\n(see ${logFileOf(e)})`);
    log(`${e.name.padEnd(7)} docker build works (${b.ms.toFixed(0)} ms) and the image prints "Hello, 123"`);
  }

  const load = readLoad();
  const measured = await interleaved(engines, {
    warmup: opts.warmup, runs: opts.runs, what: 'round',
    step: (e, {timed}) => round(e, ctx, timed),
    describe: (m) => `cold ${m.cold.toFixed(1)} ms, cached ${m.cached.toFixed(1)} ms (daemon CPU ${m.coldCpu.toFixed(0)} + ${m.cachedCpu.toFixed(0)} ms)`,
  });

  const results = {};
  for (const e of engines) {
    const m = measured[e.name];
    if (!m.runs.some(Boolean)) throw new Error(`${e.name}: no round succeeded`);
    results[e.name] = {
      version: e.version, ...e.info,
      cold: stats(m.runs, 'cold'), cached: stats(m.runs, 'cached'),
      coldCpu: stats(m.runs, 'coldCpu'), cachedCpu: stats(m.runs, 'cachedCpu'),
      all: m.runs.map((r) => (r ? {cold: r.cold, cached: r.cached} : null)),
      failures: m.failures,
    };
  }
  const profiles = opts['cpu-prof'] ? await finishLabdProfile(engines, ['cold', 'cached']) : undefined;

  const report = {
    context: {files: ['hello.c', 'hello (gcc -static)', 'Dockerfile'], dockerfile: DOCKERFILE, helloBytes: ctx.helloBytes},
    commands: {cold: `docker build --no-cache -t ${TAG} CONTEXT (after docker rmi ${TAG})`, cached: `docker build -t ${TAG} CONTEXT (right after)`},
    builder: 'legacy (DOCKER_BUILDKIT=0)',
    cliFloor: floor,
    runs: opts.runs, warmup: opts.warmup,
    host: {...(await hostInfo()), loadAtStart: load},
    engines: results, ratios: {}, goals: GOALS,
  };
  if (results.labd && results.dockerd) {
    const l = results.labd;
    const d = results.dockerd;
    const lr = measured.labd.runs;
    const dr = measured.dockerd.runs;
    report.ratios = {
      cold: l.cold.median / d.cold.median,
      coldPaired: pairedRatio(lr, dr, 'cold'),
      cached: l.cached.median / d.cached.median,
      cachedPaired: pairedRatio(lr, dr, 'cached'),
      coldCpu: l.coldCpu.median / d.coldCpu.median,
      cachedCpu: l.cachedCpu.median / d.cachedCpu.median,
    };
    report.meetsGoals = {cold: report.ratios.cold <= GOALS.cold, cached: report.ratios.cached <= GOALS.cached};
  }
  if (profiles) report.labdProfile = profiles;
  return finish('build', report, results, opts.json, () => lines(report));
}

function lines(report) {
  const {engines: r, ratios} = report;
  const names = Object.keys(r);
  const ms = (v) => (v === undefined ? '-' : `${v.toFixed(1)} ms`);
  const rows = [
    ['', ...names],
    ['server version', ...names.map((n) => r[n].version)],
    ['storage driver', ...names.map((n) => r[n].storage)],
    [`cold: build --no-cache (${report.runs} runs)`, ...names.map(() => '')],
    ['  median', ...names.map((n) => ms(r[n].cold.median))],
    ['  min', ...names.map((n) => ms(r[n].cold.min))],
    ['  p90', ...names.map((n) => ms(r[n].cold.p90))],
    ['  max', ...names.map((n) => ms(r[n].cold.max))],
    ['  daemon CPU', ...names.map((n) => ms(r[n].coldCpu.median))],
    ['cached: the same build again', ...names.map(() => '')],
    ['  median', ...names.map((n) => ms(r[n].cached.median))],
    ['  min', ...names.map((n) => ms(r[n].cached.min))],
    ['  p90', ...names.map((n) => ms(r[n].cached.p90))],
    ['  max', ...names.map((n) => ms(r[n].cached.max))],
    ['  daemon CPU', ...names.map((n) => ms(r[n].cachedCpu.median))],
  ];
  const out = [''];
  out.push(`seed 001 context (FROM scratch, COPY a ${(report.context.helloBytes / 1024).toFixed(0)} KiB static hello, ENTRYPOINT), ${report.builder}; ` +
    `wall-clock of the whole CLI command, ${report.warmup} warm-up round(s) each, then interleaved`);
  out.push(`host: ${report.host.cores} cores, node ${report.host.node}, ${report.host.docker}, load average at start ${report.host.loadAtStart}`);
  out.push('');
  out.push(...table(rows));
  if (report.cliFloor) {
    out.push('');
    out.push(`the CLI alone (docker build against a stub that reads the ${(report.cliFloor.contextBytes / 1024).toFixed(0)} KiB context and answers at once): ` +
      `median ${ms(report.cliFloor.median)}; both engines pay it`);
  }
  out.push('');
  for (const k of ['cold', 'cached']) out.push(allRunsLine(`all ${k} builds (ms, x: failed)`, names, (n) => r[n].all.map((v) => (v === null ? null : v[k]))));
  out.push(...failureLines(r, 'round(s)'));
  if (ratios.cold !== undefined) {
    const goal = (k) => goalText('<=', report.goals[k], report.meetsGoals[k]);
    out.push('');
    out.push(`cold build   labd/dockerd = ${ratios.cold.toFixed(2)}x   (${goal('cold')}; median of per-run ratios ${ratios.coldPaired.toFixed(2)}x; daemon CPU ${ratios.coldCpu.toFixed(2)}x)`);
    out.push(`cached build labd/dockerd = ${ratios.cached.toFixed(2)}x   (${goal('cached')}; median of per-run ratios ${ratios.cachedPaired.toFixed(2)}x; daemon CPU ${ratios.cachedCpu.toFixed(2)}x)`);
  }
  if (ratios.cached !== undefined && report.cliFloor) {
    const f = report.cliFloor.median;
    const above = (n, k) => r[n][k].median - f;
    out.push(`above the CLI floor: cold labd ${above('labd', 'cold').toFixed(1)} ms vs dockerd ${above('dockerd', 'cold').toFixed(1)} ms, ` +
      `cached labd ${above('labd', 'cached').toFixed(1)} ms vs dockerd ${above('dockerd', 'cached').toFixed(1)} ms; ` +
      `a cached ratio of ${report.goals.cached} needs labd's whole build at ${(report.goals.cached * r.dockerd.cached.median).toFixed(1)} ms`);
  }
  out.push(...profileReport(report.labdProfile));
  return out;
}

await runBench('build', main);
