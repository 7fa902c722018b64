/**
 * Many cheap submissions for grading through workers: a homework whose checks build and run a FROM scratch image,
 * and students of a few kinds (right, a dynamic binary, a broken Dockerfile, no source, no Dockerfile), each
 * binary made different per student (bytes after the ELF's end), so none is flagged as shared. gcc runs three times.
 */
import {execFileSync} from 'node:child_process';
import {appendFileSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export const cheapHomework = {
  lab: 'queue',
  title: {en: 'Hello through the queue'},
  task: {en: 'A FROM scratch image whose static program greets.'},
  limits: {buildTimeoutSeconds: 120, runTimeoutSeconds: 20, memoryMb: 32, pids: 16, imageSizeMaxKb: 4096, submissionMaxKb: 4096, fileMaxKb: 2048},
  run: {expectStdout: 'Hello, World!', exitCode: 0},
  checks: [
    {id: 'submission', kind: 'submission-safe', weight: 1, title: {en: 'Only files and folders'}},
    {id: 'source', kind: 'source', weight: 1, title: {en: 'The C source'}, files: ['hello.c'], pattern: 'int\\s+main'},
    {id: 'builds', kind: 'builds', weight: 2, title: {en: 'It builds'}},
    {id: 'static', kind: 'static-entrypoint', weight: 2, title: {en: 'A static program'}},
    {id: 'runs', kind: 'runs', weight: 4, title: {en: 'It greets'}},
  ],
};

/** "slow" greets after two seconds: a job long enough to kill its worker in the middle of. */
export const studentKinds = ['good', 'slow', 'dynamic', 'broken', 'good', 'no-source', 'good', 'no-dockerfile'] as const;

const hello = '#include <stdio.h>\nint main(void) { puts("Hello, World!"); return 0; }\n';
const slowHello = '#include <stdio.h>\n#include <unistd.h>\nint main(void) { sleep(2); puts("Hello, World!"); return 0; }\n';

/** `count` students in a new folder, s000-good, s001-good, s002-dynamic, ...; and the homework file beside it. */
export function makeQueueSubmissions(count: number): {root: string; submissions: string; homework: string; kinds: Map<string, string>} {
  const root = mkdtempSync(join(tmpdir(), 'lab-queue-subs-'));
  const submissions = join(root, 'submissions');
  mkdirSync(submissions);
  const homework = join(root, 'homework.json');
  writeFileSync(homework, JSON.stringify(cheapHomework, null, 2));
  writeFileSync(join(root, 'hello.c'), hello);
  execFileSync('gcc', ['-static', '-O0', '-o', join(root, 'hello-static'), join(root, 'hello.c')]);
  execFileSync('gcc', ['-O0', '-o', join(root, 'hello-dynamic'), join(root, 'hello.c')]);
  writeFileSync(join(root, 'slow.c'), slowHello);
  execFileSync('gcc', ['-static', '-O0', '-o', join(root, 'hello-slow'), join(root, 'slow.c')]);
  const kinds = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const kind = studentKinds[i % studentKinds.length];
    const id = `s${String(i).padStart(3, '0')}-${kind}`;
    kinds.set(id, kind);
    const d = join(submissions, id);
    mkdirSync(d);
    if (kind !== 'no-source') writeFileSync(join(d, 'hello.c'), `/* ${id} */\n${kind === 'slow' ? slowHello : hello}`);
    copyFileSync(join(root, kind === 'dynamic' ? 'hello-dynamic' : kind === 'slow' ? 'hello-slow' : 'hello-static'), join(d, 'hello'));
    appendFileSync(join(d, 'hello'), `\n${id}\n`);
    if (kind === 'no-dockerfile') continue;
    writeFileSync(join(d, 'Dockerfile'), kind === 'broken'
      ? 'FROM scratch\nCOPY hello /hello\nCOPY missing.txt /missing.txt\nENTRYPOINT ["/hello"]\n'
      : 'FROM scratch\nCOPY hello /hello\nENTRYPOINT ["/hello"]\n');
  }
  return {root, submissions, homework, kinds};
}
