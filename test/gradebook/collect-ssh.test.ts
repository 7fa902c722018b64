/**
 * Collection over SSH: a loopback SSH server (ssh2's server side, running commands with /bin/sh on this machine,
 * as test/vm/fake-sshd.ts does for the ssh provider) stands in for a student's host; the collector runs there as
 * `node <lab root>/dist/bundle/collect.mjs`, the student's session is read from their state folder, and the result
 * comes back signed. A second roster host that refuses connections is reported, not fatal. Needs `npm run build`.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {collectClass} from '../../src/lab/app/collect-class.js';
import {packageRoot} from '../../src/common/package-root.js';
import {buildGradebook} from '../../src/lab/gradebook/merge.js';
import {readSubmissions} from '../../src/lab/gradebook/read.js';
import {teacherKey} from '../../src/lab/gradebook/signing.js';
import {startFakeSshd} from '../vm/fake-sshd.js';
import {writeJson} from './fixtures.js';

test('collect over ssh: the collector runs on the host, the result is signed and trusted; an unreachable host is reported', async (t) => {
  t.timeout(2 * 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lab-collect-ssh-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  process.env.XDG_CONFIG_HOME = join(dir, 'config');
  // The "host" runs commands as this process's children: its state folder is this one.
  process.env.XDG_STATE_HOME = join(dir, 'state');
  const workdir = join(dir, 'lab26');
  writeFileSync(join(dir, 'hello.c'), '#include <stdio.h>\nint main(int c, char **v) { printf("Hello, %s\\n", c > 1 ? v[1] : "world"); return 0; }\n');
  writeJson(join(workdir, '.keep'), '');
  execFileSync('gcc', ['-o', join(workdir, 'hello_not_static'), join(dir, 'hello.c')]);
  writeJson(join(dir, 'state', 'lab', 'sessions', '26.json'), {lab: '26', provider: 'local', envName: 'local', workdir, lang: 'en', student: 'root', startedAt: Math.floor(Date.now() / 1000) - 60, images: {debian: {id: `sha256:${'0'.repeat(64)}`}}, params: {}, baseline: {containers: [], images: []}, answers: {}, progress: {}, hints: {}});

  const sshd = await startFakeSshd();
  t.teardown(() => sshd.close());
  writeFileSync(join(dir, 'id'), sshd.clientPrivateKey, {mode: 0o600});
  // A port nothing listens on: taken and released again.
  const closed = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const {port} = s.address() as {port: number};
      s.close(() => resolve(port));
    });
  });
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${sshd.port} ${sshd.hostLine}\n[127.0.0.1]:${closed} ${sshd.hostLine}\n`);
  const students = [{id: 'šárka', name: 'Šárka', host: `root@127.0.0.1:${sshd.port}`}, {id: 'tomáš', name: 'Tomáš', host: `root@127.0.0.1:${closed}`}];
  const store = join(dir, 'store');
  const seen: string[] = [];
  const outcomes = await collectClass(students, '26', {provider: 'ssh', keyPath: join(dir, 'id'), knownHostsPath: join(dir, 'known_hosts'), labRoot: packageRoot()}, store, 2, (done, total, o) => seen.push(`${done}/${total} ${o.student}`));
  t.is(seen.length, 2);
  const [sarka, tomas] = outcomes;
  t.true(sarka.ok, sarka.error);
  t.false(tomas.ok);
  t.regex(tomas.error!, /ECONNREFUSED|refused/);
  t.true(sshd.execs.some((c) => c.includes('dist/bundle/collect.mjs')), sshd.execs.join('\n'));

  const gb = buildGradebook(readSubmissions([store]).submissions, [], {key: teacherKey(false)});
  const grade = gb.students[0].labs['26'];
  t.is(gb.students[0].student, 'šárka');
  t.is(grade.trust, 'collected');
  t.is(grade.provider, 'ssh');
  t.true(grade.checks.some((c) => c.passed && c.name.endsWith('— binary')), JSON.stringify(grade.checks.map((c) => [c.name, c.passed])));
});
