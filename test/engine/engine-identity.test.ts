/**
 * docker info's ID and Name: the ID is chosen once per data-root and kept across restarts; both are read when
 * asked, so a machine that takes a new identity while the engine runs (a lab VM resumed from a saved one) shows it.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {makePrivateEngine} from '../../src/engine/control/private-engine.js';
import {runCommand} from '../helpers/cli.js';

test("the engine ID is the data-root's own: kept across restarts, and a new one in engine-id is shown without a restart", async (t) => {
  const engine = makePrivateEngine({prefix: 'lab-engine-id-'});
  t.teardown(() => engine.dispose());
  await engine.start();
  const info = async () => {
    const r = await runCommand('docker', ['info', '-f', '{{.ID}} {{.Name}}'], engine.dockerEnv);
    t.is(r.code, 0, r.stderr);
    return r.stdout.trim().split(' ');
  };
  const [first, name] = await info();
  t.regex(first!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.is(name, hostname());
  t.is(readFileSync(join(engine.dataRoot, 'engine-id'), 'utf8').trim(), first);
  await engine.stop();
  await engine.start();
  t.is((await info())[0], first, 'the same ID after a restart');
  const fresh = 'a3e1b6f0-5c1d-4f7e-9b2a-0c4d8e6f1a27';
  writeFileSync(join(engine.dataRoot, 'engine-id'), `${fresh}\n`);
  t.is((await info())[0], fresh, 'the ID written while the engine runs');
});
