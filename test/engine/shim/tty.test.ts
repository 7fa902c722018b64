// labd-shim with a tty: the pty master comes from runc over the console socket.
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import anyTest, {type TestFn} from 'ava';
import {
  ask, buildShim, cleanup, makeBundle, makeProcessJson, makeWorld, newId, openClient, readExit, readLog,
  removeWorld, runc, startShim, streamText, type Ctx, type World,
} from './helpers.js';

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

test('attach io to a shell on a tty: echo, resize, exit code', async (t) => {
  const id = newId(t);
  const s = await startShim(t, w, id, {bundle: makeBundle(w, id, ['sh'], true), tty: true, stdin: true, stdinOnce: true});
  t.regex(s.line, /^ready \d+$/);
  t.false(existsSync(`${s.state}/console.sock`), 'the console socket is gone once the master arrived');
  t.is(await ask(s.sock, 'resize 30 100\n'), 'ok\n');
  const c = await openClient(s.sock, 'attach ioa\n', {ack: true});
  const waiter = await openClient(s.sock, 'wait\n');
  await runc(w, 'start', id);
  c.sock.write('stty size\n');
  // Raw bytes, no framing: the pty's output including its echo of our input.
  await c.until((b) => /\r\n30 100\r\n/.test(b.toString()));
  c.sock.write('echo hi; exit 3\n');
  const out = (await c.closed).toString();
  t.true(out.includes('echo hi; exit 3'), 'the tty echoes the input back');
  t.regex(out, /\r\nhi\r\n/);
  t.is((await waiter.closed).toString(), 'exit 3\n');
  t.is(await s.exited, 0);
  t.like(readExit(s.state), {exitCode: 3, signal: null});
  const entries = readLog(s.log);
  t.true(entries.every((e) => e.stream === 'stdout'), 'tty output is logged as stdout');
  t.regex(streamText(entries, 'stdout'), /\r\n30 100\r\n[^]*\r\nhi\r\n/);
});

test('a tty client asking for stderr only gets nothing, stdin-less clients cannot type', async (t) => {
  const id = newId(t);
  const s = await startShim(t, w, id, {bundle: makeBundle(w, id, ['sh', '-c', 'echo one; sleep 0.3; echo two'], true), tty: true});
  const errOnly = await openClient(s.sock, 'attach ea\n', {ack: true});
  const out = await openClient(s.sock, 'attach oa\n', {ack: true});
  out.sock.write('this is not typed\n');
  await runc(w, 'start', id);
  t.is((await out.closed).toString(), 'one\r\ntwo\r\n');
  t.is((await errOnly.closed).length, 0);
  t.is(await s.exited, 0);
});

test('exec with a tty into a running container', async (t) => {
  const id = newId(t);
  const main = await startShim(t, w, id, {bundle: makeBundle(w, id, ['sleep', '100'])});
  await runc(w, 'start', id);
  const s = await startShim(t, w, id, {
    exec: makeProcessJson(w, id, ['sh', '-c', 'sleep 0.4; stty size; read x; echo "got $x"; exit 2'], true),
    stateDir: join(w.base, 'state', `${id}-exec`),
    tty: true,
    stdin: true,
  });
  t.regex(s.line, /^ready \d+$/);
  t.is(await ask(s.sock, 'resize 12 34\n'), 'ok\n');
  const c = await openClient(s.sock, 'attach ioa\n', {ack: true});
  await c.until((b) => b.toString().includes('12 34\r\n'));
  c.sock.write('yes\n');
  t.regex((await c.closed).toString(), /got yes\r\n$/);
  t.is(await s.exited, 0);
  t.is(readExit(s.state)?.exitCode, 2);
  t.is(await ask(main.sock, 'status\n'), `running ${main.pid}\n`);
});
