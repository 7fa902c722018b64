#!/usr/bin/env node
// Throughput of a published port: 100 MB served by a busybox container, read on the host through
// `-p 127.0.0.1:PORT:5000`, labd (its userland proxy) against the real dockerd (Debian's docker.io, on a bridge
// of its own, where loopback traffic goes through docker-proxy), reported as MB/s and ratios of medians.
// Run by hand as root after `npm run build`:  node bench/port-throughput.mjs [--runs 7] [--json] [--cpu-prof]
// See bench/README.md for what is measured and how to read it.
import {readdirSync} from 'node:fs';
import {connect, createServer} from 'node:net';
import {runBench} from './lib/bench.mjs';
import {BUSYBOX, busyboxArchive, loadBusybox} from './lib/busybox.mjs';
import {docker, mustDocker} from './lib/docker-cli.mjs';
import {guardIptables, makeBridge} from './lib/dockerd-bridge.mjs';
import {checkPrerequisites, logFileOf, startEngines} from './lib/engines.mjs';
import {hostInfo, readLoad} from './lib/host.mjs';
import {parseOptions} from './lib/options.mjs';
import {cmdline, cpuSeconds, log, sleep} from './lib/proc.mjs';
import {finishLabdProfile, profileReport} from './lib/profile.mjs';
import {allRunsLine, failureLines, goalText, table, finish} from './lib/report.mjs';
import {RunError, interleaved} from './lib/runs.mjs';
import {openScratch, session} from './lib/session.mjs';
import {pairedRatio, stats} from './lib/stats.mjs';

const GOAL = 0.8;
const SIZE = 100 * 1024 * 1024; // 104,857,600 bytes
const CONTAINER_PORT = 5000;

const usage = `Usage: node bench/port-throughput.mjs [options]

  --runs N          timed 100 MB transfers per engine, interleaved (default 7, at least 3)
  --warmup N        untimed transfers per engine first (default 1)
  --server KIND     what the container serves with: httpd (busybox httpd, a 100 MB file; default) or nc
                    (\`head -c 104857600 /dev/zero | nc -l -p 5000\` in a loop; busybox nc moves 1 KiB per
                    read and write, so it measures nc more than the proxies)
  --no-iptables     start dockerd with --iptables=false (its docker-proxy still serves the port)
  --engines LIST    labd,dockerd (default both; ratios need both)
  --dir PATH        parent directory for the engines' scratch dirs (default: the OS temp dir)
  --cpu-prof        run labd under \`node --cpu-prof\` and print its hottest functions during the timed transfers
  --json            print the results as JSON on stdout (progress still goes to stderr)
  -h, --help        this text
`;

const opts = parseOptions('port-throughput', usage, {
  runs: 7, warmup: 1, minRuns: 3,
  extra: {server: {type: 'string', default: 'httpd'}, 'no-iptables': {type: 'boolean', default: false}},
});
if (!['httpd', 'nc'].includes(opts.server)) opts.fail(`--server: "${opts.server}" is neither httpd nor nc`);

const SERVERS = {
  httpd: `mkdir -p /srv && echo ok > /srv/ok && head -c ${SIZE} /dev/zero > /srv/blob && exec httpd -f -p ${CONTAINER_PORT} -h /srv`,
  nc: `while :; do head -c ${SIZE} /dev/zero | nc -l -p ${CONTAINER_PORT}; done`,
};

// ---------------------------------------------------------------------------------------------------------------
// Transfers
// ---------------------------------------------------------------------------------------------------------------

/** A port on 127.0.0.1 nothing listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({host: '127.0.0.1', port: 0, exclusive: true}, () => {
      const {port} = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * One connection to 127.0.0.1:port, read until EOF. With `path`, an HTTP/1.0 GET of it first, and the body is
 * what is counted. Resolves with the bytes counted, the status, the time to the first byte and to EOF (ms).
 */
function fetchAll(port, path) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    let firstMs;
    let bytes = 0;
    let head = path ? Buffer.alloc(0) : undefined;
    let status;
    const socket = connect({host: '127.0.0.1', port}, () => {
      if (path) socket.write(`GET ${path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`);
    });
    socket.on('data', (chunk) => {
      firstMs ??= ms();
      if (head === undefined) {
        bytes += chunk.length;
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head.toString('latin1', 0, end))?.[1]);
      bytes += head.length - end - 4;
      head = undefined;
    });
    socket.on('end', () => resolve({bytes, status, firstMs, ms: ms()}));
    socket.on('error', reject);
  });
}

/**
 * The proxy's CPU: for labd the labd-proxy relaying to this container (its arguments are the container's address
 * and port), or labd's own process when it relays in Node; for dockerd, the docker-proxy serving this port.
 */
function proxyPid(engine) {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid) continue;
    const args = cmdline(pid);
    if (!args) continue;
    if (engine.name === 'labd' && /labd-proxy$/.test(args[0] ?? '') && args[1] === engine.containerIp && args[2] === '5000') return pid;
    if (engine.name !== 'labd' && /docker-proxy$/.test(args[0] ?? '') && args.includes(String(engine.hostPort)) && args.includes('-host-port')) return pid;
  }
  return engine.name === 'labd' ? engine.pid : undefined;
}

async function transfer(engine) {
  const cpu0 = cpuSeconds(engine.proxyPid);
  let r;
  if (opts.server === 'httpd') {
    r = await fetchAll(engine.hostPort, '/blob');
    if (r.status !== 200) throw new RunError(`GET /blob through 127.0.0.1:${engine.hostPort} answered ${r.status ?? 'nothing'}`);
  } else {
    // Between two transfers nc is started again; a connection in that gap is accepted by the proxy and
    // closed at once: try again (not timed).
    for (let i = 0; ; i++) {
      r = await fetchAll(engine.hostPort);
      if (r.bytes > 0 || i >= 100) break;
      await sleep(50);
    }
  }
  const cpuMs = (cpuSeconds(engine.proxyPid) - cpu0) * 1000;
  if (r.bytes !== SIZE) throw new RunError(`read ${r.bytes} bytes through 127.0.0.1:${engine.hostPort}, expected ${SIZE}`);
  return {ms: r.ms, mbps: SIZE / 1e6 / (r.ms / 1000), firstMs: r.firstMs, proxyCpuMs: cpuMs};
}

async function waitServing(engine) {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    const state = (await mustDocker(engine, ['inspect', '-f', '{{.State.Status}}', engine.container])).stdout.trim();
    if (state !== 'running') throw new Error(`${engine.name}: the server container is ${state} (see ${logFileOf(engine)})`);
    if (opts.server === 'nc') return;
    try {
      const r = await fetchAll(engine.hostPort, '/ok');
      if (r.status === 200) return;
      last = `status ${r.status}`;
    } catch (error) {
      last = error.message;
    }
    await sleep(200);
  }
  throw new Error(`${engine.name}: nothing served through 127.0.0.1:${engine.hostPort} within 60 s (${last})`);
}

async function main() {
  checkPrerequisites();
  const image = await busyboxArchive();
  openScratch(opts.dir);
  log(`scratch dir ${session.dir}`);
  let bridge;
  const dockerdArgs = [];
  if (opts.engineNames.includes('dockerd')) {
    bridge = await makeBridge();
    // Appended after the shared --bridge=none --iptables=false: the last value of a dockerd flag wins.
    dockerdArgs.push(`--bridge=${bridge.name}`, `--iptables=${!opts['no-iptables']}`);
    if (!opts['no-iptables']) await guardIptables(bridge);
    log(`dockerd's bridge ${bridge.name}, ${bridge.subnet}`);
  }
  const engines = await startEngines(opts.engineNames, {cpuProf: opts['cpu-prof'], dockerdArgs});
  for (const e of engines) {
    if (e.name === 'dockerd') {
      const net = (await mustDocker(e, ['network', 'inspect', 'bridge', '-f', '{{index .Options "com.docker.network.bridge.name"}} {{range .IPAM.Config}}{{.Subnet}}{{end}}'])).stdout.trim();
      log(`dockerd's default network: ${net}`);
    }
    await loadBusybox(e, image);
    e.hostPort = await freePort();
    const r = await docker(e, ['run', '-d', '-p', `127.0.0.1:${e.hostPort}:${CONTAINER_PORT}`, BUSYBOX, 'sh', '-c', SERVERS[opts.server]]);
    if (r.code !== 0) throw new Error(`${e.name}: docker run -d -p 127.0.0.1:${e.hostPort}:${CONTAINER_PORT} exited ${r.code}: ${(r.stderr || r.stdout).trim()}\n(see ${logFileOf(e)})`);
    e.container = r.stdout.trim();
    await waitServing(e);
    e.containerIp = (await mustDocker(e, ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', e.container])).stdout.trim();
    e.proxyPid = proxyPid(e);
    if (!e.proxyPid) throw new Error(`${e.name}: no docker-proxy serves 127.0.0.1:${e.hostPort}`);
    const proxy = e.name === 'labd' ? (e.proxyPid === e.pid ? 'labd\'s own relay' : `labd-proxy pid ${e.proxyPid}`) : `docker-proxy pid ${e.proxyPid}`;
    log(`${e.name.padEnd(7)} container ${e.container.slice(0, 12)} (${e.containerIp}) serves with ${opts.server} through 127.0.0.1:${e.hostPort}, ${proxy}`);
  }

  const load = readLoad();
  const measured = await interleaved(engines, {
    warmup: opts.warmup, runs: opts.runs, what: 'transfer', phase: 'transfer',
    step: (e) => transfer(e),
    describe: (m) => `${m.mbps.toFixed(1)} MB/s (${m.ms.toFixed(0)} ms, first byte ${m.firstMs.toFixed(1)} ms, proxy CPU ${m.proxyCpuMs.toFixed(0)} ms)`,
  });

  const results = {};
  for (const e of engines) {
    const m = measured[e.name];
    if (!m.runs.some(Boolean)) throw new Error(`${e.name}: no transfer succeeded`);
    results[e.name] = {
      version: e.version, ...e.info, hostPort: e.hostPort, containerIp: e.containerIp,
      proxy: e.name === 'labd' ? (e.proxyPid === e.pid ? 'labd (in the daemon)' : 'labd-proxy (splice)') : 'docker-proxy',
      mbps: stats(m.runs, 'mbps'), ms: stats(m.runs, 'ms'), firstMs: stats(m.runs, 'firstMs'), proxyCpuMs: stats(m.runs, 'proxyCpuMs'),
      all: m.runs.map((r) => r?.mbps ?? null),
      failures: m.failures,
    };
  }
  const profiles = opts['cpu-prof'] ? await finishLabdProfile(engines, ['transfer']) : undefined;

  const report = {
    bytes: SIZE, server: opts.server, serverCommand: SERVERS[opts.server],
    publish: `-p 127.0.0.1:PORT:${CONTAINER_PORT}`, reader: 'node:net in the bench process, until EOF',
    dockerdNetwork: bridge ? {...bridge, iptables: !opts['no-iptables']} : undefined,
    runs: opts.runs, warmup: opts.warmup,
    host: {...(await hostInfo()), loadAtStart: load},
    engines: results, ratios: {}, goal: GOAL,
  };
  if (results.labd && results.dockerd) {
    const l = results.labd;
    const d = results.dockerd;
    report.ratios = {
      throughput: l.mbps.median / d.mbps.median,
      throughputPaired: pairedRatio(measured.labd.runs, measured.dockerd.runs, 'mbps'),
      proxyCpu: l.proxyCpuMs.median / d.proxyCpuMs.median,
    };
    report.meetsGoal = report.ratios.throughput >= GOAL;
  }
  if (profiles) report.labdProfile = profiles;
  return finish('port-throughput', report, results, opts.json, () => lines(report));
}

function lines(report) {
  const {engines: r, ratios} = report;
  const names = Object.keys(r);
  const mbps = (v) => (v === undefined ? '-' : `${v.toFixed(1)} MB/s`);
  const ms = (v) => (v === undefined ? '-' : `${v.toFixed(1)} ms`);
  const rows = [
    ['', ...names],
    ['server version', ...names.map((n) => r[n].version)],
    ['proxy', ...names.map((n) => r[n].proxy)],
    [`100 MiB through the port (${report.runs} runs)`, ...names.map(() => '')],
    ['  median', ...names.map((n) => mbps(r[n].mbps.median))],
    ['  min', ...names.map((n) => mbps(r[n].mbps.min))],
    ['  max', ...names.map((n) => mbps(r[n].mbps.max))],
    ['  median time', ...names.map((n) => ms(r[n].ms.median))],
    ['  first byte', ...names.map((n) => ms(r[n].firstMs.median))],
    ['  proxy CPU per transfer', ...names.map((n) => ms(r[n].proxyCpuMs.median))],
  ];
  const out = [''];
  out.push(`${report.bytes} bytes served by busybox ${report.server} in the container, read on the host through ${report.publish}; ` +
    `MB = 10^6 bytes; ${report.warmup} warm-up transfer(s) each, then interleaved`);
  if (report.dockerdNetwork) out.push(`dockerd: bridge ${report.dockerdNetwork.name} (${report.dockerdNetwork.subnet}), iptables ${report.dockerdNetwork.iptables ? 'on' : 'off'}`);
  out.push(`host: ${report.host.cores} cores, node ${report.host.node}, ${report.host.docker}, load average at start ${report.host.loadAtStart}`);
  out.push('');
  out.push(...table(rows));
  out.push('');
  out.push(allRunsLine('all transfers (MB/s, x: failed)', names, (n) => r[n].all));
  out.push(...failureLines(r, 'transfer(s)'));
  if (ratios.throughput !== undefined) {
    out.push('');
    out.push(`throughput labd/dockerd = ${ratios.throughput.toFixed(2)}x   (${goalText('>=', report.goal, report.meetsGoal)}; ` +
      `median of per-run ratios ${ratios.throughputPaired.toFixed(2)}x)`);
    out.push(`proxy CPU  labd/dockerd = ${ratios.proxyCpu.toFixed(2)}x   (labd-proxy, or labd's whole process when it relays, against the docker-proxy)`);
  }
  out.push(...profileReport(report.labdProfile));
  return out;
}

await runBench('port-throughput', main);
