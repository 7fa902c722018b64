/** A folder of homework submissions for lab 26, made at test time with the real gcc: good, wrong and hostile. */
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const scratchDockerfile = (program: string) => `FROM scratch\nCOPY ${program} /${program}\nENTRYPOINT ["/${program}"]\n`;

function student(root: string, id: string, source: string, gccArgs: string[], dockerfile: string, program = 'hello'): string {
  const dir = join(root, id);
  mkdirSync(dir);
  writeFileSync(join(dir, `${program}.c`), source);
  execFileSync('gcc', [...gccArgs, '-O0', '-o', join(dir, program), join(dir, `${program}.c`)]);
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

const hello = '#include <stdio.h>\nint main(void) { puts("Hello, World!"); return 0; }\n';

export function makeSubmissions(): string {
  const root = mkdtempSync(join(tmpdir(), 'lab-homework-subs-'));
  student(root, 'alice', hello, ['-static'], scratchDockerfile('hello'));
  student(root, 'bob-dynamic', hello, [], scratchDockerfile('hello'));
  student(root, 'carol-broken', hello, ['-static'], 'FROM scratch\nCOPY hello /hello\nCOPY helo.txt /greeting.txt\nENTRYPOINT ["/hello"]\n');
  // Hostile: a link to the host's shadow file, and a Dockerfile reaching out of its context.
  const dave = student(root, 'dave-escape', hello, ['-static'], 'FROM scratch\nCOPY ../../etc/passwd /passwd\nCOPY shadow /shadow\nENTRYPOINT ["/hello"]\n');
  symlinkSync('/etc/shadow', join(dave, 'shadow'));
  // Hostile: a fork bomb behind a link to /etc/shadow, an endless loop, and memory without end.
  const erin = student(root, 'erin-forkbomb', '#include <unistd.h>\nint main(void) { for (;;) fork(); }\n', ['-static'], scratchDockerfile('bomb'), 'bomb');
  symlinkSync('/etc/shadow', join(erin, 'notes.txt'));
  student(root, 'frank-loop', 'int main(void) { for (;;) {} }\n', ['-static'], scratchDockerfile('loop'), 'loop');
  // Hostile: output without end (the sandbox keeps no container log, and keeps only a bounded part of what it reads).
  student(root, 'ivan-flood', '#include <stdio.h>\nint main(void) { for (;;) puts("spam spam spam spam spam spam spam spam spam spam spam spam"); }\n', ['-static'], scratchDockerfile('flood'), 'flood');
  student(root, 'grace-memory', '#include <stdlib.h>\n#include <string.h>\nint main(void) { for (;;) { char *p = malloc(1 << 20); if (p) memset(p, 1, 1 << 20); } }\n', ['-static'], scratchDockerfile('hog'), 'hog');
  // Hostile at build time: a RUN step that forks until it cannot (the build API has no process limit of its own;
  // the sandbox's parent cgroup is what stops it), saying how far it got.
  const forker = '#include <stdio.h>\n#include <unistd.h>\nint main(void) { int n = 0; while (n < 1000) { pid_t p = fork(); if (p < 0) break; if (p == 0) { pause(); return 0; } n++; } printf("forked %d\\n", n); return 0; }\n';
  student(root, 'henry-buildbomb', forker, ['-static'], 'FROM scratch\nCOPY forker /forker\nRUN ["/forker"]\nENTRYPOINT ["/forker"]\n', 'forker');
  mkdirSync(join(root, 'bad name!'));
  return root;
}
