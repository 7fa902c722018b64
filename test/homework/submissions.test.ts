/** Copying a submission: links and devices are reported and never followed; names and sizes are bounded. */
import test from 'ava';
import {linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execFileSync} from 'node:child_process';
import {copySubmission} from '../../src/lab/homework/submissions.js';

const limits = (maxBytes: number, maxFiles: number, maxFileBytes = maxBytes) => ({maxBytes, maxFiles, maxFileBytes});

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
    const r = copySubmission(from, to, limits(1 << 20, 100));
    t.is(r.files, 2);
    t.deepEqual(readdirSync(to).sort(), ['Dockerfile', 'src']);
    t.deepEqual(readdirSync(join(to, 'src')), ['hello.c']);
    t.is(statSync(join(to, 'src', 'hello.c')).mode & 0o7777, 0o755);
    const problems = r.problems.join('\n');
    t.regex(problems, /^shadow: a symlink to \/etc\/shadow, not followed and left out$/m);
    t.regex(problems, /^src\/etc: a symlink to \/etc, not followed/m);
    t.regex(problems, /^hard: a hard link \(2 names\)/m);
    t.regex(problems, /^pipe: a FIFO/m);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test('each file, the total size and the number of files are bounded, and a file left out is named with the limit', (t) => {
  const dir = tmp();
  try {
    const from = join(dir, 'sub');
    mkdirSync(from);
    for (let i = 0; i < 5; i++) writeFileSync(join(from, `f${i}`), Buffer.alloc(400));
    writeFileSync(join(from, 'big.bin'), Buffer.alloc(3 * 1024 * 1024));
    const r = copySubmission(from, join(dir, 'a'), limits(2048, 100));
    t.is(r.files, 5);
    t.deepEqual(r.paths, ['f0', 'f1', 'f2', 'f3', 'f4']);
    t.deepEqual(r.problems, ['big.bin: 3.0 MiB, over the limit of 2 KiB per file, left out']);
    const total = copySubmission(from, join(dir, 'c'), limits(1024, 100, 1024 * 1024));
    t.is(total.files, 2);
    t.regex(total.problems.join('\n'), /^f2: 400 bytes, which would bring the submission to 1.2 KiB, over its total limit of 1 KiB, left out$/m);
    const n = copySubmission(from, join(dir, 'b'), limits(1 << 20, 3));
    t.is(n.files, 3);
    t.regex(n.problems.join('\n'), /more than 3 files/);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
