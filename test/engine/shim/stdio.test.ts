// labd-shim without a tty: json-file log, multiplexed attach, stdin, exit codes.
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import anyTest, {type TestFn} from 'ava';
import {
  ask, buildShim, cleanup, demux, makeBundle, makeWorld, newId, openClient, procStatus, readExit, readLog,
  removeWorld, RFC3339_NANO, runc, startShim, streamText, type Ctx, type World,
} from './helpers.js';
import {waitFor} from '../../helpers/wait.js';

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

test('stdout and stderr land in the json log and reach an attach oe client framed', async (t) => {
  const id = newId(t);
  const script = 'echo out1; echo err1 >&2; printf "tab\\tq\\"b\\\\s\\001"; echo; printf "\\303\\251t\\303\\251\\n"';
  const s = await startShim(t, w, id, {bundle: makeBundle(w, id, ['sh', '-c', script])});
  t.regex(s.line, /^ready \d+$/);
  const c = await openClient(s.sock, 'attach oea\n', {ack: true});
  await runc(w, 'start', id);
  const framed = demux(await c.closed);
  t.is(await s.exited, 0);

  const stdout = 'out1\ntab\tq"b\\s\x01\nété\n';
  t.is(framed.stdout, stdout);
  t.is(framed.stderr, 'err1\n');
  const entries = readLog(s.log);
  t.is(streamText(entries, 'stdout'), stdout);
  t.is(streamText(entries, 'stderr'), 'err1\n');
  for (const e of entries) {
    t.regex(e.time, RFC3339_NANO);
    t.true(['stdout', 'stderr'].includes(e.stream));
    // One line an entry: a newline only ever ends one.
    t.false(e.log.slice(0, -1).includes('\n'));
  }
  const raw = readFileSync(s.log, 'utf8');
  t.true(raw.includes('\\u0001'), 'control bytes are \\u-escaped');
  t.true(raw.includes('été'), 'bytes >= 0x80 pass through');
  t.deepEqual(readExit(s.state)?.exitCode, 0);
  t.false(existsSync(s.sock), 'attach.sock is removed on exit');
});

test('stdin reaches cat through attach i, and its EOF closes stdin with --stdin-once', async (t) => {
  const id = newId(t);
  const s = await startShim(t, w, id, {bundle: makeBundle(w, id, ['cat']), stdin: true, stdinOnce: true});
  const out = await openClient(s.sock, 'attach oea\n', {ack: true});
  // The first bytes travel in the same write as the request line.
  const input = await openClient(s.sock, 'attach i\nhello\n');
  await runc(w, 'start', id);
  await out.until((b) => demux(b).stdout === 'hello\n');
  input.sock.write('world\n');
  await out.until((b) => demux(b).stdout === 'hello\nworld\n');
  t.is(procStatus(s.pid, 'State')?.[0], 'S', 'cat is still reading');
  input.sock.end();
  t.is(demux(await out.closed).stdout, 'hello\nworld\n');
  t.is(await s.exited, 0);
  t.is(readExit(s.state)?.exitCode, 0);
  t.is(streamText(readLog(s.log), 'stdout'), 'hello\nworld\n');
});

test('exit code: exit 7 via wait and STATE/exit; status reports the pid', async (t) => {
  const id = newId(t);
  const s = await startShim(t, w, id, {bundle: makeBundle(w, id, ['sh', '-c', 'sleep 0.3; exit 7'])});
  t.is(await ask(s.sock, 'status\n'), `running ${s.pid}\n`);
  const waiter = openClient(s.sock, 'wait\n');
  const c = await waiter;
  await runc(w, 'start', id);
  t.is((await c.closed).toString(), 'exit 7\n');
  t.is(await s.exited, 0);
  const exit = readExit(s.state)!;
  t.is(exit.exitCode, 7);
  t.is(exit.signal, null);
  t.regex(exit.finishedAt, RFC3339_NANO);
  t.false(existsSync(`${s.state}/exit.tmp`));
});

test('events: the exit arrives as one event line after the output is drained and STATE/exit is written', async (t) => {
  const id = newId(t);
  const s = await startShim(t, w, id, {bundle: makeBundle(w, id, ['sh', '-c', 'echo last words; exit 5'])});
  const subscriber = await openClient(s.sock, 'events\n');
  await runc(w, 'start', id);
  const line = (await subscriber.closed).toString();
  t.regex(line, /^exit \{.*\}\n$/);
  const event = JSON.parse(line.slice(5)) as {exitCode: number; signal: number | null; finishedAt: string};
  t.is(event.exitCode, 5);
  t.is(event.signal, null);
  t.regex(event.finishedAt, RFC3339_NANO);
  t.deepEqual(readExit(s.state), event, 'the file says what the event said');
  t.is(streamText(readLog(s.log), 'stdout'), 'last words\n');
  t.is(await s.exited, 0);
});

test('killed by a signal: 128+n, and the process tree is daemon -> shim -> container', async (t) => {
  const id = newId(t);
  const s = await startShim(t, w, id, {bundle: makeBundle(w, id, ['sleep', '100'])});
  await runc(w, 'start', id);
  t.is(procStatus(s.pid, 'PPid'), String(s.proc.pid), 'the container init is the shim\'s child');
  t.is(procStatus(s.proc.pid!, 'PPid'), String(process.pid), 'the shim is its spawner\'s child');
  const waiter = await openClient(s.sock, 'wait\n');
  t.is(await ask(s.sock, 'signal 9\n'), 'ok\n');
  t.is((await waiter.closed).toString(), 'exit 137\n');
  t.is(await s.exited, 0);
  t.like(readExit(s.state), {exitCode: 137, signal: 9});
});

test('events: a process killed by a signal is reported with 128+n and the signal', async (t) => {
  const id = newId(t);
  const s = await startShim(t, w, id, {bundle: makeBundle(w, id, ['sleep', '100'])});
  await runc(w, 'start', id);
  const subscriber = await openClient(s.sock, 'events\n');
  t.is(await ask(s.sock, 'signal 9\n'), 'ok\n');
  const line = (await subscriber.closed).toString();
  t.like(JSON.parse(line.slice(5)), {exitCode: 137, signal: 9});
  t.is(await s.exited, 0);
});

test('bad requests get an error line', async (t) => {
  const id = newId(t);
  const s = await startShim(t, w, id, {bundle: makeBundle(w, id, ['sleep', '100'])});
  t.is(await ask(s.sock, 'hello\n'), 'error unknown request\n');
  t.regex(await ask(s.sock, 'attach x\n'), /^error /);
  t.is(await ask(s.sock, 'resize 10 20\n'), 'error not a tty\n');
  t.regex(await ask(s.sock, 'signal 0\n'), /^error /);
  t.regex(await ask(s.sock, `${'x'.repeat(400)}\n`), /^error request too long/);
  t.is(await ask(s.sock, 'status\n'), `running ${s.pid}\n`);
  await runc(w, 'kill', id, 'KILL');
  t.is(await s.exited, 0);
});

test('a client that never reads is dropped without holding up the container or others', async (t) => {
  const id = newId(t);
  const size = 3_000_000;
  // After the flood the container waits for a go file, not for a time, so that it is still there to be asked.
  const go = `/go-${id}`;
  t.teardown(() => rmSync(join(w.rootfs, go), {force: true}));
  const script = `head -c ${size} /dev/zero; while [ ! -e ${go} ]; do sleep 0.05; done; echo done`;
  const s = await startShim(t, w, id, {bundle: makeBundle(w, id, ['sh', '-c', script])});
  const slow = await openClient(s.sock, 'attach o\n');
  slow.sock.pause();
  const waiter = await openClient(s.sock, 'wait\n');
  await runc(w, 'start', id);
  await waitFor(() => streamText(readLog(s.log), 'stdout').length === size, {timeoutMs: 5000, intervalMs: 20, what: 'the flood in the log'});
  t.is(await ask(s.sock, 'status\n'), `running ${s.pid}\n`);
  const late = await openClient(s.sock, 'attach oa\n', {ack: true});
  writeFileSync(join(w.rootfs, go), '');
  t.is(demux(await late.closed).stdout, 'done\n');
  t.is((await waiter.closed).toString(), 'exit 0\n');
  t.is(await s.exited, 0);
  slow.sock.resume();
  t.true((await slow.closed).length < size, 'the slow client was cut off');
  t.regex(readFileSync(`${s.state}/shim.log`, 'utf8'), /dropping an attach client/);
});
