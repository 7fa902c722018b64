/**
 * Submissions for a homework graded by test cases, made at test time with the real gcc, zip and tar: right,
 * partly right, broken, oversized, prebuilt and copied, as folders, archives and LMS "download all" folders.
 */
import {execFileSync} from 'node:child_process';
import {copyFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

/** Greets its argument, else the name on its standard input, else the World; more than one argument exits 3. */
export const greet = `#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
  char name[64] = "World";
  if (argc > 1) snprintf(name, sizeof name, "%s", argv[1]);
  else if (fgets(name, sizeof name, stdin)) { name[strcspn(name, "\\n")] = 0; if (!*name) strcpy(name, "World"); }
  printf("Hello, %s!\\n", name);
  return argc > 2 ? 3 : 0;
}
`;
/** The same, but it never reads its standard input. */
const greetNoStdin = greet.replace(/else if \(fgets[^\n]*\n/, '');

const dockerfile = 'FROM scratch\nCOPY greet /greet\nENTRYPOINT ["/greet"]\n';

let students = 0;

function folder(root: string, name: string, source: string | undefined, files: Record<string, string> = {}): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  if (source !== undefined) {
    // Each student's own code (the same code makes the same bytes, which would be flagged as shared).
    writeFileSync(join(dir, 'greet.c'), source.replace('name[64]', `name[${64 + ++students}]`));
    execFileSync('gcc', ['-static', '-O0', '-o', join(dir, 'greet'), join(dir, 'greet.c')]);
  }
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

export const caseHomework = {
  lab: 'greet',
  title: {en: 'Greet'},
  task: {en: 'Write greet.c: greet the name given as the argument, or read on standard input, or the World.'},
  limits: {buildTimeoutSeconds: 60, runTimeoutSeconds: 5, memoryMb: 32, pids: 16, imageSizeMaxKb: 4096, submissionMaxKb: 8192, fileMaxKb: 4096},
  checks: [
    {id: 'submission', kind: 'submission-safe', weight: 1, title: {en: 'Only files and folders'}},
    {id: 'source', kind: 'source', weight: 1, title: {en: 'The C source is handed in'}, files: ['*.c'], pattern: 'int\\s+main'},
    {id: 'builds', kind: 'builds', weight: 1, title: {en: 'It builds'}},
    {id: 'cases', kind: 'cases', weight: 4, title: {en: 'It greets'}, cases: [
      {name: 'no input', stdout: {exact: 'Hello, World!'}},
      {name: 'an argument', args: ['Ada'], stdout: {contains: 'Hello, Ada!'}},
      {name: 'from stdin', stdin: 'Bob\n', stdout: {regex: '^Hello, Bob!$'}},
      {name: 'too many arguments', args: ['a', 'b'], exitCode: 3},
    ]},
  ],
};

export function makeCaseSubmissions(): string {
  const root = mkdtempSync(join(tmpdir(), 'lab-homework-cases-'));
  const ada = folder(root, 'ada', greet);
  folder(root, 'Bořek Štěpánek_4242_assignsubmission_file_', greetNoStdin);
  folder(root, 'antonín.dvořák', greet);
  // Archives: a zip made by zip(1), and a .tar.gz whose Dockerfile copies a file it does not have.
  const carol = folder(root, 'carol-src', greet);
  execFileSync('zip', ['-qr', join(root, 'carol.zip'), '.'], {cwd: carol});
  const dave = folder(root, 'dave-src', greet, {Dockerfile: 'FROM scratch\nCOPY greet /greet\nCOPY missing.txt /m\nENTRYPOINT ["/greet"]\n'});
  execFileSync('tar', ['-czf', join(root, 'dave.tar.gz'), '-C', dave, '.']);
  for (const src of [carol, dave]) rmSync(src, {recursive: true});
  // A 300 MB file (sparse: its size is what counts) that the Dockerfile copies.
  const erin = folder(root, 'erin', greet, {Dockerfile: 'FROM scratch\nCOPY greet /greet\nCOPY data.bin /data.bin\nENTRYPOINT ["/greet"]\n'});
  writeFileSync(join(erin, 'data.bin'), '');
  truncateSync(join(erin, 'data.bin'), 300 * 1024 * 1024);
  // No C at all: the system's static busybox renamed, run as `echo Hello, World!`.
  const frank = folder(root, 'frank', undefined, {Dockerfile: 'FROM scratch\nCOPY echo /echo\nENTRYPOINT ["/echo", "Hello, World!"]\n'});
  copyFileSync('/bin/busybox', join(frank, 'echo'));
  // Ada's program, byte for byte, beside a source of one's own.
  const grace = folder(root, 'grace', greet);
  copyFileSync(join(ada, 'greet'), join(grace, 'greet'));
  // A name no results file may carry.
  mkdirSync(join(root, 'tab\tname'));
  return root;
}
