/**
 * Reading json-file logs back: --tail N across rotated files from their ends, a partial last line left for later,
 * and a client that reads slowly gets every entry in order.
 */
import {appendFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Writable} from 'node:stream';
import test from 'ava';
import {streamLogs, tailStart} from '../../src/engine/containers/logs.js';
import {waitFor} from '../helpers/wait.js';

const entry = (i: number, stream = 'stdout') => `${JSON.stringify({log: `line-${i}\n`, stream, time: new Date(1_700_000_000_000 + i).toISOString()})}\n`;
const entries = (from: number, to: number) => Array.from({length: to - from}, (_, k) => entry(from + k)).join('');

function collector(delayMs = 0): {sink: Writable; text: () => string} {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _e, done) {
      chunks.push(chunk);
      if (delayMs) setTimeout(done, delayMs);
      else done();
    },
  });
  return {sink, text: () => Buffer.concat(chunks).toString()};
}

const opts = (tail: number | 'all') => ({stdout: true, stderr: true, tail, timestamps: false, tty: true});
const numbers = (text: string) => [...text.matchAll(/line-(\d+)/g)].map((m) => Number(m[1]));

function logDir(t: {teardown: (f: () => void) => void}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-logs-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

test('tailStart finds where the last n whole lines begin, reading from the end', (t) => {
  const file = join(logDir(t), 'c-json.log');
  writeFileSync(file, 'a\nbb\nccc\n');
  t.deepEqual(tailStart(file, 1), {start: 5, lines: 1});
  t.deepEqual(tailStart(file, 2), {start: 2, lines: 2});
  t.deepEqual(tailStart(file, 3), {start: 0, lines: 3});
  t.deepEqual(tailStart(file, 10), {start: 0, lines: 3});
  t.deepEqual(tailStart(file, 0), {start: 9, lines: 0});
  appendFileSync(file, 'partial');
  t.deepEqual(tailStart(file, 1), {start: 5, lines: 1}, 'a line still being written is not counted');
  t.deepEqual(tailStart(join(logDir(t), 'missing'), 3), {start: 0, lines: 0});
});

test('--tail reaches back into the rotated files, oldest first, and leaves a partial line out', async (t) => {
  const dir = logDir(t);
  const log = join(dir, 'c-json.log');
  writeFileSync(`${log}.2`, entries(0, 100));
  writeFileSync(`${log}.1`, entries(100, 200));
  writeFileSync(log, entries(200, 230) + '{"log":"half a li');
  for (const [tail, expected] of [[5, [225, 226, 227, 228, 229]], [40, Array.from({length: 40}, (_, i) => 190 + i)], [150, Array.from({length: 150}, (_, i) => 80 + i)], [1000, Array.from({length: 230}, (_, i) => i)], [0, []]] as const) {
    const c = collector();
    await streamLogs(log, c.sink, opts(tail), false, () => false);
    t.deepEqual(numbers(c.text()), [...expected], `--tail ${tail}`);
  }
  const all = collector();
  await streamLogs(log, all.sink, opts('all'), false, () => false);
  t.deepEqual(numbers(all.text()), Array.from({length: 230}, (_, i) => i));
});

test('a large log streams to a slow client in order, and --tail of it reads only its end', async (t) => {
  const log = join(logDir(t), 'c-json.log');
  writeFileSync(log, entries(0, 200_000)); // ~17 MB
  const started = performance.now();
  const tail = collector();
  await streamLogs(log, tail.sink, opts(3), false, () => false);
  const tailMs = performance.now() - started;
  t.deepEqual(numbers(tail.text()), [199_997, 199_998, 199_999]);
  t.log(`--tail 3 of 200,000 entries (17 MB): ${tailMs.toFixed(1)} ms`);
  const slow = collector(0);
  await streamLogs(log, slow.sink, opts('all'), false, () => false);
  const got = numbers(slow.text());
  t.is(got.length, 200_000);
  t.true(got.every((n, i) => n === i));
});

test('with --tail 0 and follow, only what comes after is sent', async (t) => {
  const log = join(logDir(t), 'c-json.log');
  writeFileSync(log, entries(0, 10));
  const c = collector();
  let running = true;
  let asked = false;
  // It asks whether the container still runs only once the tail it was asked for is sent: from then on it follows.
  const following = streamLogs(log, c.sink, opts(0), true, () => {
    asked = true;
    return running;
  });
  await waitFor(() => asked, {timeoutMs: 10_000, what: 'the follower to start following'});
  appendFileSync(log, entries(10, 13));
  await waitFor(() => numbers(c.text()).length >= 3, {timeoutMs: 10_000, what: 'the three new entries'});
  running = false;
  await following;
  t.deepEqual(numbers(c.text()), [10, 11, 12]);
});

test('without a TTY, each entry is a frame of its own (as dockerd sends them) and the order across stdout and stderr is kept', async (t) => {
  const log = join(logDir(t), 'c-json.log');
  const streams = ['stdout', 'stdout', 'stderr', 'stdout', 'stderr', 'stderr', 'stderr', 'stdout'];
  writeFileSync(log, streams.map((s, i) => entry(i, s)).join(''));
  const c = collector();
  await streamLogs(log, c.sink, {...opts('all'), tty: false}, false, () => false);
  const raw = Buffer.from(c.text(), 'latin1');
  const frames: Array<[string, string]> = [];
  for (let at = 0; at < raw.length;) {
    const size = raw.readUInt32BE(at + 4);
    frames.push([raw[at] === 1 ? 'stdout' : 'stderr', raw.subarray(at + 8, at + 8 + size).toString()]);
    at += 8 + size;
  }
  t.deepEqual(frames, [
    ['stdout', 'line-0\n'], ['stdout', 'line-1\n'], ['stderr', 'line-2\n'], ['stdout', 'line-3\n'], ['stderr', 'line-4\n'], ['stderr', 'line-5\n'], ['stderr', 'line-6\n'], ['stdout', 'line-7\n'],
  ]);
  const onlyErr = collector();
  await streamLogs(log, onlyErr.sink, {...opts('all'), tty: false, stdout: false}, false, () => false);
  t.deepEqual(numbers(onlyErr.text()), [2, 4, 5, 6]);
});
