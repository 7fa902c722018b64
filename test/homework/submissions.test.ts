/** Copying a submission: links and devices are reported and never followed; names and sizes are bounded. */
import test from 'ava';
import {linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execFileSync} from 'node:child_process';
import {copySubmission, listSubmissions} from '../../src/lab/homework/submissions.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'lab-homework-unit-'));

test('symlinks, hard links, FIFOs and setuid bits do not make it into the build context', (t) => {
  const dir = tmp();
  try {
    const from = join(dir, 'sub');
    mkdirSync(join(from, 'src'), {recursive: true});
    writeFileSync(join(from, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(from, 'src', 'hello.c'), 'int main(void) { return 0; }\n', {mode: 0o4755});
    symlinkSync('/etc/shadow', join(from, 'shadow'));
    symlinkSync('/etc', join(from, 'src', 'etc'));
    writeFileSync(join(dir, 'outside'), 'secret');
    linkSync(join(dir, 'outside'), join(from, 'hard'));
    execFileSync('mkfifo', [join(from, 'pipe')]);
    const to = join(dir, 'ctx');
    const r = copySubmission(from, to, {maxBytes: 1 << 20, maxFiles: 100});
    t.is(r.files, 2);
    t.deepEqual(readdirSync(to).sort(), ['Dockerfile', 'src']);
    t.deepEqual(readdirSync(join(to, 'src')), ['hello.c']);
    t.is(statSync(join(to, 'src', 'hello.c')).mode & 0o7777, 0o755);
    const problems = r.problems.join('\n');
    t.regex(problems, /^shadow: a symlink, not followed and left out$/m);
    t.regex(problems, /^src\/etc: a symlink, not followed/m);
    t.regex(problems, /^hard: a hard link \(2 names\)/m);
    t.regex(problems, /^pipe: a FIFO/m);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test('the total size and the number of files are bounded', (t) => {
  const dir = tmp();
  try {
    const from = join(dir, 'sub');
    mkdirSync(from);
    for (let i = 0; i < 5; i++) writeFileSync(join(from, `f${i}`), Buffer.alloc(400));
    const r = copySubmission(from, join(dir, 'a'), {maxBytes: 1000, maxFiles: 100});
    t.is(r.files, 2);
    t.regex(r.problems.join('\n'), /f2: 400 bytes, over the submission's size limit/);
    const n = copySubmission(from, join(dir, 'b'), {maxBytes: 1 << 20, maxFiles: 3});
    t.is(n.files, 3);
    t.regex(n.problems.join('\n'), /more than 3 files/);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test('students are the direct subfolders; unsafe names and symlinked folders are skipped with a reason', (t) => {
  const dir = tmp();
  try {
    for (const name of ['alice', 'bob.smith_2', '.hidden', 'a b', '-rf']) mkdirSync(join(dir, name));
    writeFileSync(join(dir, 'README'), 'not a student');
    symlinkSync('/etc', join(dir, 'mallory'));
    const list = listSubmissions(dir);
    t.deepEqual(list.filter((e) => !e.rejected).map((e) => e.id), ['alice', 'bob.smith_2']);
    t.deepEqual(list.filter((e) => e.rejected).map((e) => e.id).sort(), ['-rf', '.hidden', 'a b', 'mallory']);
    t.regex(list.find((e) => e.id === 'mallory')!.rejected!, /symlink.*not followed/);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
