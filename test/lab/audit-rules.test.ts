/**
 * Lab 26's audit set-up on this machine, as two sessions at once meet it: each start loads rules under its own key,
 * a chmod is recorded under that key with the caller's login uid, one session's cleanup (lab destroy) leaves the
 * other's rules and daemon alone, and the last one turns off what the labs turned on.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {loadExercise} from '../../src/lab/exercises/load.js';
import {removeAbandonedSandboxes, SELF_TEST_PREFIX} from '../../src/lab/homework/abandoned-sandboxes.js';
import {recordCleanup} from '../../src/lab/session/cleanup-record.js';
import {auditLog} from '../../src/lab/grading/collect-audit.js';
import {LocalProvider} from '../../src/lab/providers/local.js';
import {cleanupLab} from '../../src/lab/session/prepare.js';
import {paramEnv} from '../../src/lab/session/params.js';
import {hasCommand, isRoot, when} from '../helpers/needs.js';

const auditAnswers = isRoot && hasCommand('auditctl') && spawnSync('auditctl', ['-s']).status === 0;
const serialTest = when({'needs root': isRoot, 'needs auditctl and the kernel\'s audit': auditAnswers}, test.serial);

const status = () => execFileSync('auditctl', ['-s'], {encoding: 'utf8'});
const rules = () => execFileSync('auditctl', ['-l'], {encoding: 'utf8'});

serialTest('two sessions\' audit rules are their own: recorded, kept apart, and removed by each one\'s cleanup', async (t) => {
  const ex = loadExercise('26');
  const dir = mkdtempSync(join(tmpdir(), 'lab-audit-rules-'));
  const env = await new LocalProvider().start({name: 'audit-rules', workdir: dir});
  const a = {auditKey: `t${process.pid}a`};
  const b = {auditKey: `t${process.pid}b`};
  const before = status();
  // Other lab 26 sessions on this machine (a self-test in another test file) share the audit state.
  const othersBefore = /key=lab26-/.test(rules());
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  const prepare = async (params: Record<string, string>) => {
    const r = await env.exec(['sh', join(ex.dir, 'prepare-audit.sh')], {cwd: dir, env: paramEnv(params)});
    t.is(r.code, 0, r.stderr);
  };
  await prepare(a);
  await prepare(b);
  t.regex(rules(), new RegExp(`key=lab26-${a.auditKey}`));
  t.regex(rules(), new RegExp(`key=lab26-${b.auditKey}`));
  t.regex(status(), /^enabled 1$/m);

  // A chmod from a shell with a login uid, as a student's session has.
  const file = join(dir, 'f');
  writeFileSync(file, 'x', {mode: 0o644});
  execFileSync('sh', ['-c', 'echo 1000 > /proc/self/loginuid; chmod 0755 "$0"', file]);
  const log = auditLog(`lab26-${a.auditKey}`);
  t.true(log.available, log.error);
  const mine = log.chmods.find((c) => c.path?.name === file);
  t.like(mine, {syscall: 'fchmodat', success: true, auid: 1000, newMode: 0o755, path: {mode: 0o644}});

  // lab destroy of session a: its rules go, b's stay, and so does the daemon b needs.
  await cleanupLab(env, ex, a);
  t.notRegex(rules(), new RegExp(`key=lab26-${a.auditKey}`));
  t.regex(rules(), new RegExp(`key=lab26-${b.auditKey}`));
  t.true(auditLog(`lab26-${b.auditKey}`).available);
  t.false(auditLog(`lab26-${a.auditKey}`).available, 'a session whose rule is gone is told so');
  await cleanupLab(env, ex, b);
  t.notRegex(rules(), new RegExp(`key=lab26-t${process.pid}`));
  if (othersBefore || /key=lab26-/.test(rules())) {
    // Another session's rules were there before or are there now: audit stays on for it, and the daemon with it.
    t.log('another lab 26 session was active meanwhile: the audit state is checked as that session needs it');
    if (/key=lab26-/.test(rules())) t.regex(status(), /^enabled 1$/m);
    return;
  }
  // What the labs turned on is off again; what was on before stays on. A self-test in another file may be in the
  // middle of its own cleanup (its rules gone, its daemon still stopping): the state gets a few seconds to settle.
  const settled = () => /^enabled (\d)$/m.exec(status())?.[1] === /^enabled (\d)$/m.exec(before)?.[1] && /^pid 0$/m.test(status()) === /^pid 0$/m.test(before);
  for (let i = 0; i < 100 && !settled(); i++) await new Promise((r) => setTimeout(r, 100));
  t.is(/^enabled (\d)$/m.exec(status())?.[1], /^enabled (\d)$/m.exec(before)?.[1]);
  t.is(/^pid 0$/m.test(status()), /^pid 0$/m.test(before));
});

serialTest('a self-test killed before its clean-up: the next run\'s sweep removes its audit rules', async (t) => {
  const ex = loadExercise('26');
  const scratch = mkdtempSync(join(tmpdir(), 'lab-audit-sweep-'));
  t.teardown(() => rmSync(scratch, {recursive: true, force: true}));
  // The dir a killed `lab exercise test 26` leaves: its owner ended, the lab and parameters recorded, rules loaded.
  const dir = join(scratch, `${SELF_TEST_PREFIX}26-killed`);
  mkdirSync(join(dir, 'work'), {recursive: true});
  writeFileSync(join(dir, 'owner.json'), JSON.stringify({pid: spawnSync('true').pid}));
  const params = {auditKey: `t${process.pid}k`};
  recordCleanup(dir, ex, params);
  const prepared = spawnSync('sh', [join(ex.dir, 'prepare-audit.sh')], {cwd: join(dir, 'work'), env: {...process.env, ...paramEnv(params)}, encoding: 'utf8'});
  t.is(prepared.status, 0, prepared.stderr);
  t.regex(rules(), new RegExp(`key=lab26-${params.auditKey}`));

  const said: string[] = [];
  t.deepEqual(await removeAbandonedSandboxes((m) => said.push(m), scratch, SELF_TEST_PREFIX), [dir]);
  t.notRegex(rules(), new RegExp(`key=lab26-${params.auditKey}`), said.join('\n'));
  t.true(said.some((m) => m.includes("ran lab 26's clean-up (cleanup-audit.sh)")), said.join('\n'));
  t.false(existsSync(dir));

  // A clean-up that ends processes by pid (lab namespaces') is not recorded: by a later sweep those pids may be another's.
  const other = join(scratch, 'namespaces');
  mkdirSync(other);
  recordCleanup(other, loadExercise('namespaces'), {});
  t.false(existsSync(join(other, 'lab-cleanup.json')));
});
