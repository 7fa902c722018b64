/**
 * Suspicious submissions, on real programs: gcc's static build of the submitted hello.c is not flagged; the
 * system's static busybox renamed `echo` is, with or without C source beside it; links to host files are; the same
 * binary from two students is.
 */
import test from 'ava';
import {execFileSync} from 'node:child_process';
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {elfSourceNames} from '../../src/lab/homework/elf-sources.js';
import {flagSubmission, sharedBinaries} from '../../src/lab/homework/flags.js';
import {copySubmission} from '../../src/lab/homework/submissions.js';

const limits = {maxBytes: 16 << 20, maxFiles: 100, maxFileBytes: 8 << 20};

function submission(t: {teardown(fn: () => void): void}, make: (dir: string) => void) {
  const root = mkdtempSync(join(tmpdir(), 'lab-homework-flags-'));
  t.teardown(() => rmSync(root, {recursive: true, force: true}));
  const from = join(root, 'sub');
  mkdirSync(from);
  make(from);
  const context = join(root, 'ctx');
  const copy = copySubmission(from, context, limits);
  return {copy, context, ...flagSubmission(copy, context)};
}

const hello = '#include <stdio.h>\nint main(void) { puts("Hello, World!"); return 0; }\n';

test('a static program gcc built from the submitted hello.c names it in its symbol table and is not flagged', (t) => {
  const s = submission(t, (dir) => {
    writeFileSync(join(dir, 'hello.c'), hello);
    execFileSync('gcc', ['-static', '-O0', '-o', join(dir, 'hello'), join(dir, 'hello.c')]);
  });
  t.true(elfSourceNames(readFileSync(join(s.context, 'hello')))!.includes('hello.c'));
  t.deepEqual(s.flags, []);
  t.is(s.binaries.length, 1);
});

test('a busybox renamed echo is flagged as prebuilt, beside a hello.c or with no C at all', (t) => {
  const withC = submission(t, (dir) => {
    writeFileSync(join(dir, 'hello.c'), hello);
    copyFileSync('/bin/busybox', join(dir, 'echo'));
  });
  t.is(withC.flags.length, 1);
  t.regex(withC.flags[0], /^echo is a prebuilt program not built from the submitted source: (it has no symbol table \(stripped\)|its symbol table names none of the submitted sources \(hello\.c\))/);
  const noC = submission(t, (dir) => copyFileSync('/bin/busybox', join(dir, 'echo')));
  t.deepEqual(noC.flags, ['echo is a prebuilt program not built from the submitted source: the submission holds no C source at all']);
  // A program built from other source than the one handed in.
  const other = submission(t, (dir) => {
    writeFileSync(join(dir, 'other.c'), hello);
    execFileSync('gcc', ['-static', '-o', join(dir, 'hello'), join(dir, 'other.c')]);
    rmSync(join(dir, 'other.c'));
    writeFileSync(join(dir, 'hello.c'), hello);
  });
  t.regex(other.flags.join('\n'), /hello is a prebuilt program .*names none of the submitted sources \(hello\.c\)/);
});

test('links to host files are flagged; links inside the submission are only left out', (t) => {
  const s = submission(t, (dir) => {
    symlinkSync('/etc/shadow', join(dir, 'notes.txt'));
    symlinkSync('../../../etc/passwd', join(dir, 'up'));
    symlinkSync('Dockerfile', join(dir, 'inside'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
  });
  t.deepEqual(s.flags, ['a link to a host file: notes.txt: a symlink to /etc/shadow', 'a link to a host file: up: a symlink to ../../../etc/passwd']);
});

test('the same binary handed in by several students is flagged for each of them', (t) => {
  const byStudent = new Map([
    ['alice', {binaries: [{path: 'hello', sha256: 'a'.repeat(64)}], sourcesHash: 's1'}],
    ['bob', {binaries: [{path: 'bin/hello', sha256: 'a'.repeat(64)}], sourcesHash: 's1'}],
    ['carol', {binaries: [{path: 'hello', sha256: 'c'.repeat(64)}], sourcesHash: 's1'}],
    ['dave', {binaries: [{path: 'x', sha256: 'a'.repeat(64)}], sourcesHash: 's2'}],
  ]);
  const flags = sharedBinaries(byStudent);
  t.deepEqual([...flags.keys()].sort(), ['alice', 'bob', 'dave']);
  t.is(flags.get('alice')![0], 'hello is byte for byte the binary bob, dave handed in too, (the same source as bob) (sha256 aaaaaaaaaaaa…)');
  t.is(flags.get('dave')![0], 'x is byte for byte the binary alice, bob handed in too, though their sources differ (sha256 aaaaaaaaaaaa…)');
});
