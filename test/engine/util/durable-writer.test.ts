/** Container records written off the event loop: complete files only, the newest wins, removed dirs are no error. */
import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {DurableWriter} from '../../../src/engine/util/durable-writer.js';

test('writes to one path land in order, collapse while one is in flight, and leave no temporary files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-durable-'));
  const errors: Error[] = [];
  const w = new DurableWriter((_, e) => errors.push(e));
  const file = join(dir, 'config.v2.json');
  const done = [];
  for (let i = 0; i < 50; i++) done.push(w.write(file, JSON.stringify({state: i})));
  // Every caller's promise means "this or newer is on disk".
  await done[10];
  t.true(JSON.parse(readFileSync(file, 'utf8')).state >= 10);
  await w.flush();
  t.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {state: 49});
  t.deepEqual(readdirSync(dir), ['config.v2.json']);
  t.deepEqual(errors, []);
  rmSync(dir, {recursive: true, force: true});
});

test('a record whose directory was removed meanwhile is dropped quietly; other failures are reported', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-durable-'));
  const errors: string[] = [];
  const w = new DurableWriter((path) => errors.push(path));
  const gone = join(dir, 'gone');
  mkdirSync(gone);
  const pending = w.write(join(gone, 'config.v2.json'), '{}');
  rmSync(gone, {recursive: true, force: true});
  await pending;
  t.deepEqual(errors, []);
  // A directory where the file should be: not ENOENT, so it is reported.
  mkdirSync(join(dir, 'taken', 'config.v2.json'), {recursive: true});
  await w.write(join(dir, 'taken', 'config.v2.json'), '{}');
  t.deepEqual(errors, [join(dir, 'taken', 'config.v2.json')]);
  rmSync(dir, {recursive: true, force: true});
});
