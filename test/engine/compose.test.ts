/**
 * Debian's docker-compose 1.29.2 drives a private labd through a realistic project: a database (httpd serving
 * a named volume), a web service and a worker that both reach the database by its service name, `depends_on`,
 * `ps`, `logs -f`, `exec`, `up --scale worker=3` (the service name answering for every replica), `restart`, and
 * `down` removing containers and the project network while the named volume keeps its data.
 */
import {execFileSync, spawn} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {busyboxEngine} from '../helpers/busybox-engine.js';
import {runCommand} from '../helpers/cli.js';
import {hasCommand, isRoot, when} from '../helpers/needs.js';
import {waitFor} from '../helpers/wait.js';

const bridge = 'labtest-cp0';
const project = 'labcompose';
const dir = mkdtempSync(join(tmpdir(), 'lab-compose-'));
test.after(async () => {
  await compose(['down', '-v', '--remove-orphans']);
  await engine.docker(['network', 'prune', '-f']);
});
const engine = busyboxEngine(test, {daemonJson: {bridge, bip: '10.229.248.1/24'}});
const serial = when({'needs root': isRoot, 'needs docker-compose (package docker-compose)': hasCommand('docker-compose')}, test.serial);

test.after.always(() => {
  rmSync(dir, {recursive: true, force: true});
  try {
    execFileSync('ip', ['link', 'del', bridge], {stdio: 'ignore'});
  } catch {
    // already gone
  }
  rmSync(`/run/labd/ipam/${bridge}`, {recursive: true, force: true});
});

// The database appends a line to its volume at each start and serves the file; the worker polls it by the
// service's name; the web service serves a page of its own and reaches the database the same way.
writeFileSync(
  join(dir, 'docker-compose.yml'),
  `version: "3.8"
services:
  db:
    image: busybox
    stop_grace_period: 2s
    command: ["sh", "-c", "echo started >> /data/starts; exec httpd -f -p 5432 -h /data"]
    volumes:
      - dbdata:/data
  web:
    image: busybox
    stop_grace_period: 2s
    command: ["sh", "-c", "mkdir -p /www && echo web-page > /www/index.html && exec httpd -f -p 80 -h /www"]
    depends_on: [db]
  worker:
    image: busybox
    stop_grace_period: 2s
    command: ["sh", "-c", "while true; do if wget -q -O /dev/null http://db:5432/starts; then echo worker reached db; fi; sleep 1; done"]
    depends_on: [db]
volumes:
  dbdata: {}
`,
);

function compose(args: string[]) {
  return runCommand('docker-compose', ['-p', project, '-f', join(dir, 'docker-compose.yml'), ...args], {DOCKER_HOST: engine.host}, 300_000);
}

async function ok(args: string[]): Promise<string> {
  const r = await compose(args);
  if (r.code !== 0) throw new Error(`docker-compose ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** `logs -f` of a service until `line` appears (or the time is up), then the follower is stopped. */
function followUntil(service: string, line: RegExp, ms = 20_000): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('docker-compose', ['-p', project, 'logs', '-f', '--no-color', service], {cwd: dir, env: {...process.env, DOCKER_HOST: engine.host}});
    let out = '';
    const done = () => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      resolve(out);
    };
    const timer = setTimeout(done, ms);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (line.test(out)) done();
    });
  });
}

const running = async () => (await engine.docker(['ps', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean).sort();

serial('a web + database + worker project runs, scales, restarts and comes down with its volume kept', async (t) => {
  await ok(['up', '-d']);
  t.deepEqual(await running(), [`${project}_db_1`, `${project}_web_1`, `${project}_worker_1`]);
  const ps = await ok(['ps']);
  for (const s of ['db', 'web', 'worker']) t.regex(ps, new RegExp(`${project}_${s}_1 .* Up`));

  // Services find each other by name through the embedded DNS server.
  t.regex(await ok(['exec', '-T', 'web', 'wget', '-q', '-O', '-', 'http://db:5432/starts']), /^started$/m);
  t.regex(await ok(['exec', '-T', 'db', 'wget', '-q', '-O', '-', 'http://web/']), /web-page/);
  t.regex(await followUntil('worker', /worker reached db/), /worker reached db/);

  await ok(['up', '-d', '--scale', 'worker=3']);
  t.deepEqual(await running(), [`${project}_db_1`, `${project}_web_1`, `${project}_worker_1`, `${project}_worker_2`, `${project}_worker_3`]);
  const lookup = await ok(['exec', '-T', 'web', 'nslookup', '-type=a', 'worker']);
  const workers = [...lookup.split(/\n\s*\n/).slice(1).join('\n').matchAll(/Address:\s*(\d+\.\d+\.\d+\.\d+)\s*$/gm)].map((m) => m[1]);
  t.is(new Set(workers).size, 3, lookup);

  await ok(['restart']);
  await waitFor(async () => (await running()).length === 5, {timeoutMs: 30_000, what: 'the project to run again after restart'});
  const starts = await waitFor(async () => (await compose(['exec', '-T', 'web', 'wget', '-q', '-O', '-', 'http://db:5432/starts'])).stdout, {
    until: (s) => s.split('\n').filter((l) => l === 'started').length === 2,
    timeoutMs: 30_000,
    what: 'the database to be reachable after restart',
  });
  t.is(starts.split('\n').filter((l) => l === 'started').length, 2);

  await ok(['down']);
  t.deepEqual(await running(), []);
  t.is((await engine.docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])).stdout.trim(), '');
  t.notRegex((await engine.docker(['network', 'ls', '--format', '{{.Name}}'])).stdout, new RegExp(`${project}_default`));
  t.regex((await engine.docker(['volume', 'ls', '--format', '{{.Name}}'])).stdout, new RegExp(`${project}_dbdata`));

  // The named volume kept its data across down: a third start line after the first two.
  await ok(['up', '-d']);
  const again = await waitFor(async () => (await compose(['exec', '-T', 'web', 'wget', '-q', '-O', '-', 'http://db:5432/starts'])).stdout, {
    until: (s) => s.includes('started'),
    timeoutMs: 30_000,
    what: 'the database after up again',
  });
  t.is(again.split('\n').filter((l) => l === 'started').length, 3);
});
