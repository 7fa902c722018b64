/** `lab show`: a step's text again, by id or number, without counting a hint; and the VM's name names its lab. */
import test, {type ExecutionContext} from 'ava';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createSession, saveSession, stateDir, type Session} from '../../src/lab/session/session.js';
import {runLab} from '../helpers/cli.js';

function started(t: ExecutionContext): {env: NodeJS.ProcessEnv; file: string} {
  const home = mkdtempSync(join(tmpdir(), 'lab-show-'));
  t.teardown(() => rmSync(home, {recursive: true, force: true}));
  const session = createSession({lab: '26', provider: 'local', envName: 'lab26', workdir: '/root/lab26', lang: 'en', student: 's', images: {}});
  session.progress['compile-dynamic'] = {binary: {passedAt: 'then', verdict: {pass: true, observed: '', expected: '', concept: ''}}};
  saveSession(session, stateDir(home));
  return {env: {XDG_STATE_HOME: home}, file: join(stateDir(home), 'sessions', '26.json')};
}

test('lab show: the first unfinished step, a step by number or id, and no hint counted', async (t) => {
  const {env, file} = started(t);
  const next = await runLab(['show'], env);
  t.is(next.code, 0, next.stderr);
  t.regex(next.stdout, /^· 2\. .*\(scratch-dynamic, 2\/8\)/);
  t.regex(next.stdout, /FROM scratch/);
  const first = await runLab(['show', '1', '--json'], env);
  const json = JSON.parse(first.stdout) as {step: string; done: boolean; text: string};
  t.deepEqual([json.step, json.done], ['compile-dynamic', true]);
  t.regex(json.text, /gcc/);
  const byId = await runLab(['show', 'chmod-sandbox'], env);
  t.regex(byId.stdout, /docker run -it --name sandbox debian/);
  t.notRegex(byId.stdout, /ld-linux/, 'the text, not the hint that gives the trick away');
  const session = JSON.parse(readFileSync(file, 'utf8')) as Session;
  t.deepEqual(session.hints, {});
});

test('lab show names the steps when asked for one the lab does not have', async (t) => {
  const {env} = started(t);
  const r = await runLab(['show', '9'], env);
  t.is(r.code, 1);
  t.regex(r.stderr.replace(/\s*›\s*/g, " "), /lab 26 has no step "9": its steps are 1 compile-dynamic, 2 scratch-dynamic/);
});

test('the environment\'s name (lab26, as lab start prints it) names the lab too', async (t) => {
  const {env} = started(t);
  const r = await runLab(['status', 'lab26', '--json'], env);
  t.is(r.code, 0, r.stderr);
  t.is((JSON.parse(r.stdout) as {lab: string}).lab, '26');
  const missing = await runLab(['status', 'lab27'], env);
  t.regex(missing.stderr, /lab lab27 has not been started here: run `lab start 27`/);
});
