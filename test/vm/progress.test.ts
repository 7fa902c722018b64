import test from 'ava';
import {debootstrapSummarizer} from '../../src/vm/build/progress.js';

test("debootstrap's per-package lines become one line per phase with a count", (t) => {
  const seen: string[] = [];
  const summary = debootstrapSummarizer((_step, message) => seen.push(message));
  for (const line of [
    'I: Retrieving InRelease ',
    'I: Resolving dependencies of required packages...',
    'I: Retrieving adduser 3.134',
    'I: Validating adduser 3.134',
    'I: Retrieving apt 2.6.1',
    'I: Validating apt 2.6.1',
    'I: Unpacking required packages...',
    'I: Unpacking adduser...',
    'I: Unpacking apt...',
    'W: something odd',
    'I: Base system installed successfully.',
  ]) summary.line(line);
  summary.end();
  t.deepEqual(seen, [
    'Retrieving InRelease',
    'Resolving dependencies of required packages...',
    'Retrieving adduser 3.134',
    'retrieving: 2 packages',
    'Unpacking required packages...',
    'Unpacking adduser...',
    'W: something odd',
    'unpacking: 2 packages',
    'Base system installed successfully.',
  ]);
});
