/** CI runs the basics lab's own proof: every step fails first, rejects its near misses, and passes after its solve script. */
import test from 'ava';
import {loadExercise} from '../../src/lab/exercises/load.js';
import {selfTest} from '../helpers/self-test.js';
import {hasCommand, when} from '../helpers/needs.js';

const steps = ['explore', 'detach', 'names', 'kill-stop', 'cleanup', 'pg-refused', 'pg-connect', 'pg-volume'];

test('lab basics loads: its steps in Czech and English, each with a solve script and near misses', (t) => {
  const ex = loadExercise('basics');
  t.deepEqual(ex.locales, ['cs', 'en']);
  t.deepEqual(ex.steps.map((s) => s.id), steps);
  for (const s of ex.steps) {
    t.true((s.mutations ?? []).length >= 2, s.id);
    t.truthy(s.title.cs && s.concept.cs, s.id);
  }
  t.is(ex.params?.pgPort.value, '5432', 'students publish on 5432');
  // The student pulls the lecture's images from the course registry: none is loaded for them.
  t.deepEqual((ex.images ?? []).filter((i) => i.load || i.saveAs), []);
});

// The images come from a course registry of the run's own (docker-registry, skopeo); psql is the student's client.
const needs = when({'needs docker-registry': hasCommand('docker-registry'), 'needs skopeo': hasCommand('skopeo'), 'needs psql': hasCommand('psql')}, test);

needs('lab exercise test basics', async (t) => {
  // Each step failed, mutated and solved on a private engine whose mirror serves alpine, hello-world and postgres.
  t.timeout(32 * 60_000, 'lab exercise test basics ran past 32 minutes');
  const report = await selfTest(t, 'basics', 30 * 60_000);
  t.true(report.ok, report.failure);
  t.is(report.lines.filter((l) => l.phase === 'solve').length, steps.length, 'every step was solved');
  t.true(report.lines.filter((l) => l.phase === 'mutation').length >= 2 * steps.length);
  const {named} = report;
  // The near misses, each rejected for its own reason.
  t.regex(named('explore', 'neighbour'), /no container in this engine has the hostname 3f2a9c1b7d4e/);
  t.regex(named('explore', 'not-interactive'), /started without -it/);
  t.regex(named('detach', 'exit-shell'), /its shell ended there/);
  t.regex(named('detach', 'attached-run'), /started with a client attached/);
  t.regex(named('names', 'id-for-name'), /is container \S+'s ID, not its name/);
  t.regex(named('names', 'other-image'), /is the ID of hello-world/);
  t.regex(named('kill-stop', 'stop-both'), /was stopped .*not killed/);
  t.regex(named('kill-stop', 'stop-removed'), /container rude was stopped .*not killed/);
  t.regex(named('kill-stop', 'kill-term'), /docker kill -s TERM, never a docker stop/);
  t.regex(named('cleanup', 'rm-each'), /docker container prune was never run/);
  t.regex(named('cleanup', 'retagged'), /image rm of one of several names only untags/);
  t.regex(named('pg-refused', 'with-password'), /was given POSTGRES_PASSWORD/);
  t.regex(named('pg-connect', 'not-published'), /publishes no port/);
  t.regex(named('pg-volume', 'no-volume'), /initialised by that container itself/);
  t.regex(named('pg-volume', 'restarted'), /initialised by that container itself/);
});
