/** CI runs the everyday lab's own proof: every step fails first, rejects its near misses, and passes after its solve script. */
import test from 'ava';
import {loadExercise} from '../../src/lab/exercises/load.js';
import {selfTest} from '../helpers/self-test.js';

const steps = ['info-version', 'logs', 'exec', 'inspect', 'top', 'start-stop', 'remove', 'run-env', 'code-mount', 'push-pull'];

test('lab everyday loads: its steps in Russian and English, each with a solve script and near misses', (t) => {
  const ex = loadExercise('everyday');
  t.deepEqual(ex.locales, ['ru', 'en']);
  t.deepEqual(ex.steps.map((s) => s.id), steps);
  for (const s of ex.steps) {
    t.true((s.mutations ?? []).length >= 2, s.id);
    t.truthy(s.title.ru && s.concept.ru, s.id);
  }
  for (const p of ['token', 'logsCode', 'execCode', 'inspectCode']) t.is(ex.params?.[p].random, 'hex', `${p} is each session's own`);
  t.deepEqual(ex.watch?.registryRepos, ['everyday/{{params.token}}'], 'the course registry is read for the push step');
});

test('lab exercise test everyday', async (t) => {
  // Each step failed, mutated and solved on a private engine, with a course registry of its own as its mirror.
  t.timeout(12 * 60_000, 'lab exercise test everyday ran past 12 minutes');
  const report = await selfTest(t, 'everyday', 10 * 60_000);
  t.true(report.ok, report.failure);
  t.is(report.lines.filter((l) => l.phase === 'solve').length, steps.length, 'every step was solved');
  t.true(report.lines.filter((l) => l.phase === 'mutation').length >= 2 * steps.length);
  const {named} = report;
  // Each near miss rejected for its own reason, read from the engine and the registry.
  t.regex(named('info-version', 'name-for-id'), /is the daemon's Name/);
  t.regex(named('info-version', 'engine-version'), /engine's own version/);
  t.regex(named('logs', 'container-id'), /names the container itself/);
  t.regex(named('exec', 'copied-out'), /no docker exec ran in vault/);
  t.regex(named('exec', 'logs-code'), /is the code of container courier/);
  t.regex(named('inspect', 'variable-name'), /the variable's name/);
  t.regex(named('top', 'inside-pid'), /its PID inside the container/);
  t.regex(named('top', 'other-container'), /process of container napper/);
  t.regex(named('start-stop', 'killed'), /killed \(docker kill\), never stopped/);
  t.regex(named('start-stop', 'stopped-only'), /not started again/);
  t.regex(named('start-stop', 'run-anew'), /not the one the lab made/);
  t.regex(named('remove', 'forced'), /deleted with -f while container old still used it/);
  t.regex(named('remove', 'untag'), /still in the store, tagged keep:this/);
  t.regex(named('run-env', 'no-rm'), /without --rm/);
  t.regex(named('run-env', 'no-env'), /has no CLICKHOUSE_ADDR/);
  t.regex(named('run-env', 'no-tty'), /without -t/);
  t.regex(named('run-env', 'detached'), /started detached \(-d\)/);
  t.regex(named('code-mount', 'copied'), /nothing mounted at \/code/);
  t.regex(named('code-mount', 'other-folder'), /binds \S+\/code-copy, not/);
  t.regex(named('code-mount', 'volume'), /has a volume mounted/);
  t.regex(named('push-pull', 'neighbour'), /holds no everyday\/[0-9a-f]{8}:v1 \(its everyday\/ repositories: everyday\/0badc0de\)/);
  t.regex(named('push-pull', 'push-only'), /was never pulled \(only pushed\)/);
});
