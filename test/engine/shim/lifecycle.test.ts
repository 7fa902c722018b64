// labd-shim lifecycle: surviving its parent, exec into a container (also serving a handed-over connection),
// failed create, and the start time and memory it costs.
import {spawn} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {connect, createServer, type Socket} from 'node:net';
import {join} from 'node:path';
import anyTest, {type TestFn} from 'ava';
import {
  ask, buildShim, cleanup, demux, firstLine, makeBundle, makeProcessJson, makeWorld, newId, openClient,
  procStatus, readExit, readLog, removeWorld, RUNC, runc, shimArgs, startShim, streamText, type Ctx, type World,
} from './helpers.js';
import {waitFor} from '../../helpers/wait.js';
import {shimPath} from '../../../src/engine/runtime/shim/shim-path.js';

const test = anyTest as TestFn<Ctx>;
let w: World;

test.before(() => {
  buildShim();
  w = makeWorld();
});
test.after.always(() => removeWorld(w));
test.beforeEach((t) => {
  t.context = {ids: [], procs: []};
});
test.afterEach.always((t) => cleanup(w, t.context));

// Plays labd: spawns the shim detached, reports its pid and line, then idles until killed.
const parentScript = `
const {spawn} = require('node:child_process');
const [bin, args] = JSON.parse(process.argv[1]);
const p = spawn(bin, args, {detached: true, stdio: ['ignore', 'pipe', 'ignore']});
p.stdout.once('data', (d) => process.stdout.write('shim ' + p.pid + '\\n' + d));
setInterval(() => {}, 1000);
`;

test('the shim outlives its parent: the container keeps running and logging', async (t) => {
  const id = newId(t);
  const bundle = makeBundle(w, id, ['sh', '-c', 'echo before; sleep 1; echo after; exit 5']);
  const {args, state, log} = shimArgs(w, id, {bundle});
  const parent = spawn(process.execPath, ['-e', parentScript, JSON.stringify([shimPath(), args])], {stdio: ['ignore', 'pipe', 'inherit']});
  t.context.procs.push(parent);
  let text = '';
  parent.stdout!.on('data', (d) => (text += d));
  const m = await waitFor(() => /^shim (\d+)\nready (\d+)\n/.exec(text), {timeoutMs: 10_000, intervalMs: 20, what: 'the shim line'});
  const shimPid = Number(m[1]);
  t.is(procStatus(shimPid, 'PPid'), String(parent.pid));
  await runc(w, 'start', id);
  parent.kill('SIGKILL');
  await new Promise((r) => parent.once('exit', r));
  t.not(procStatus(shimPid, 'State')?.[0], 'Z', 'the shim is alive after its parent died');
  t.not(procStatus(shimPid, 'PPid'), String(parent.pid));
  t.is(await ask(join(state, 'attach.sock'), 'status\n'), `running ${m[2]}\n`);
  const exit = await waitFor(() => readExit(state), {timeoutMs: 10_000, intervalMs: 20, what: 'the exit file'});
  t.is(exit.exitCode, 5);
  t.is(streamText(readLog(log), 'stdout'), 'before\nafter\n');
  try {
    process.kill(shimPid, 'SIGKILL'); // in case nobody reaps it, keep the table tidy
  } catch {
    // already gone
  }
});

test('exec runs a process in a running container and holds it like the main one', async (t) => {
  const id = newId(t);
  const main = await startShim(t, w, id, {bundle: makeBundle(w, id, ['sleep', '100'])});
  await runc(w, 'start', id);

  // A quick one: it may be gone before runc exec returns.
  const quick = await startShim(t, w, id, {
    exec: makeProcessJson(w, id, ['sh', '-c', 'echo hi; echo oops >&2']),
    stateDir: join(w.base, 'state', `${id}-exec1`),
  });
  t.regex(quick.line, /^ready \d+$/);
  t.is(await quick.exited, 0);
  t.like(readExit(quick.state), {exitCode: 0, signal: null});
  const entries = readLog(quick.log);
  t.is(streamText(entries, 'stdout'), 'hi\n');
  t.is(streamText(entries, 'stderr'), 'oops\n');

  // A slower one, attached to: reparented to its shim, output framed, exit code.
  const slow = await startShim(t, w, id, {
    exec: makeProcessJson(w, id, ['sh', '-c', 'sleep 0.5; echo hi; exit 4']),
    stateDir: join(w.base, 'state', `${id}-exec2`),
    log: '/dev/null',
  });
  const c = await openClient(slow.sock, 'attach oe\n');
  t.is(procStatus(slow.pid, 'PPid'), String(slow.proc.pid), 'the exec\'d process is the shim\'s child');
  t.is(demux(await c.closed).stdout, 'hi\n');
  t.is(await slow.exited, 0);
  t.is(readExit(slow.state)?.exitCode, 4);
  t.is(await ask(main.sock, 'status\n'), `running ${main.pid}\n`, 'the container itself runs on');
});

test('a failing create reports runc\'s error and exits 1', async (t) => {
  const id = newId(t);
  const s = await startShim(t, w, id, {bundle: makeBundle(w, id, ['nosuch'])});
  t.regex(s.line, /^error .*exec: "nosuch": executable file not found in \$PATH$/);
  t.is(await s.exited, 1);
  t.false(existsSync(s.sock));
  t.log(s.line);
});

test('a runtime that cannot run reports why', async (t) => {
  const id = newId(t);
  const {args} = shimArgs(w, id, {bundle: makeBundle(w, id, ['true'])});
  args[args.indexOf('--runtime') + 1] = '/nonexistent/runc';
  const p = spawn(shimPath(), args, {stdio: ['ignore', 'pipe', 'inherit']});
  t.context.procs.push(p);
  t.is(await firstLine(p), 'error cannot run /nonexistent/runc: No such file or directory');
});

test.serial('measure: start-to-ready time and resident memory', async (t) => {
  const ready: number[] = [];
  const bare: number[] = [];
  let rss = 0;
  for (let i = 0; i < 5; i++) {
    const id = newId(t);
    const s = await startShim(t, w, id, {bundle: makeBundle(w, id, ['sleep', '100'])});
    t.regex(s.line, /^ready \d+$/);
    ready.push(s.readyMs);
    await runc(w, 'start', id);
    rss = Math.max(rss, Number(/(\d+) kB/.exec(procStatus(s.proc.pid!, 'VmRSS') ?? '')?.[1]));
    await runc(w, 'kill', id, 'KILL');
    await s.exited;

    // The same create without a shim, for comparison.
    const id2 = newId(t);
    const b2 = makeBundle(w, id2, ['sleep', '100']);
    const t0 = performance.now();
    // Not through pipes: runc init would hold them open until the container ends.
    const create = spawn(RUNC, ['--root', w.runtimeRoot, 'create', '--bundle', b2, id2], {stdio: 'ignore'});
    t.is(await new Promise((r) => create.once('exit', r)), 0);
    bare.push(performance.now() - t0);
  }
  // The shim's own cost: with /bin/true as the runtime it starts, runs it, and
  // reports the missing pid file; compared with spawning /bin/true alone.
  const own: number[] = [];
  const alone: number[] = [];
  for (let i = 0; i < 10; i++) {
    const {args} = shimArgs(w, `stub-${i}`, {bundle: w.base});
    args[args.indexOf('--runtime') + 1] = '/bin/true';
    let t0 = performance.now();
    const p = spawn(shimPath(), args, {stdio: ['ignore', 'pipe', 'ignore']});
    t.regex(await firstLine(p), /^error cannot read pid file/);
    own.push(performance.now() - t0);
    t0 = performance.now();
    const q = spawn('/bin/true', [], {stdio: ['ignore', 'pipe', 'ignore']});
    await new Promise((r) => q.once('exit', r));
    alone.push(performance.now() - t0);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  t.log(`shim with a no-op runtime: median ${median(own).toFixed(2)} ms vs spawning /bin/true alone ${median(alone).toFixed(2)} ms`);
  t.log(`start-to-ready median ${median(ready).toFixed(1)} ms (runs: ${ready.map((x) => x.toFixed(1)).join(', ')})`);
  t.log(`bare runc create median ${median(bare).toFixed(1)} ms; shim overhead ~${(median(ready) - median(bare)).toFixed(1)} ms`);
  t.log(`shim VmRSS while a container runs: ${rss} kB`);
  t.true(rss > 0 && rss < 1024, `VmRSS ${rss} kB`);
  t.true(readFileSync(shimPath()).length > 0);
});

test('exec with a handed-over client: its output and exit reach the connection directly; a failed start is told down it', async (t) => {
  const id = newId(t);
  await startShim(t, w, id, {bundle: makeBundle(w, id, ['sleep', '100'])});
  await runc(w, 'start', id);
  // Plays the docker CLI's hijacked connection: labd passes the server side of it as the shim's fd 3.
  const serve = async (args: string[], stateDir: string) => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(join(w.base, `${stateDir.split('/').pop()}.sock`), () => r()));
    const accepted = new Promise<Socket>((r) => server.once('connection', r));
    const cli = connect((server.address() as string));
    const chunks: Buffer[] = [];
    cli.on('data', (d: Buffer) => chunks.push(d));
    const ended = new Promise<Buffer>((r) => cli.on('close', () => r(Buffer.concat(chunks))));
    const conn = await accepted;
    const {args: base} = shimArgs(w, id, {exec: makeProcessJson(w, id, args), stateDir, log: '/dev/null'});
    const proc = spawn(shimPath(), [...base, '--hold', '--client-fd', '3', '--client-streams', 'oe'], {detached: true, stdio: ['ignore', 'pipe', 'inherit', conn]});
    t.context.procs.push(proc);
    conn.destroy(); // as labd: the shim holds the only copy now
    const line = await firstLine(proc);
    server.close();
    return {line, output: await ended, state: stateDir};
  };
  const ok = await serve(['sh', '-c', 'echo out; echo err >&2; exit 6'], join(w.base, 'state', `${id}-h1`));
  t.regex(ok.line, /^ready \d+$/);
  t.deepEqual(demux(ok.output), {stdout: 'out\n', stderr: 'err\n', frames: 2});
  t.is(readExit(ok.state)?.exitCode, 6, 'the exit file is written before the connection closes');
  const bad = await serve(['nosuch'], join(w.base, 'state', `${id}-h2`));
  t.regex(bad.line, /^error .*executable file not found/);
  t.regex(demux(bad.output).stdout, /^OCI runtime exec failed: .*executable file not found in \$PATH\r\n$/);
});
