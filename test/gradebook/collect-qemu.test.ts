/**
 * Collection with the qemu provider reaches a student's VM by its name in the roster; this machine runs no such VM
 * in tests, so what is tested is that a student without a running VM, or without a vm in the roster, is reported
 * on its own and the others still collected (the VM path itself is lab check's, tested in test/vm/e2e.test.ts).
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {collectClass} from '../../src/lab/app/collect-class.js';

test('qemu collection: a VM that is not running and a student with no vm are each reported, never fatal', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-collect-qemu-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  process.env.XDG_CONFIG_HOME = join(dir, 'config');
  process.env.XDG_STATE_HOME = join(dir, 'state');
  const outcomes = await collectClass([{id: 'jana', name: 'Jana', vm: 'lab26-jana'}, {id: 'petr', name: 'Petr'}], '26', {provider: 'qemu'}, join(dir, 'store'), 2, () => undefined);
  t.deepEqual(outcomes.map((o) => [o.student, o.ok, o.error]), [
    ['jana', false, 'no running VM named lab26-jana on this machine (lab vm ls lists them)'],
    ['petr', false, 'no vm for this student in the roster (needed with --provider qemu)'],
  ]);
});
