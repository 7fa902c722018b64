/** The service options file (/etc/default/docker): DOCKER_OPTS read as the shell would, and put before the given flags. */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {parseServiceOptions, shellWords} from '../../src/engine/config/options-file.js';
import {engineArgs} from '../../src/engine/control/engine-process.js';
import {restartEngineProcess} from '../../src/engine/control/engine-restart.js';

test('DOCKER_OPTS: the last assignment counts, quotes and comments as in sh', (t) => {
  const text = [
    '# Here in Debian, this file is sourced by the init scripts',
    '#DOCKER_OPTS="--dns 8.8.8.8"',
    'DOCKER_OPTS="-H unix:///old.sock"',
    'export DOCKER_OPTS="-H unix:///var/run/docker.sock --log-level \'warn\'"   # the service flags',
  ].join('\n');
  t.deepEqual(parseServiceOptions('/etc/default/docker', text), {file: '/etc/default/docker', argv: ['-H', 'unix:///var/run/docker.sock', '--log-level', 'warn'], line: 4});
  t.deepEqual(parseServiceOptions('/f', '# only comments\n').argv, []);
  t.deepEqual(parseServiceOptions('/f', 'DOCKER_OPTS=""\n').argv, []);
  t.deepEqual(shellWords('a "b c" \'d e\' f\\ g', 'x'), ['a', 'b c', 'd e', 'f g']);
});

test('DOCKER_OPTS mistakes name the file and the line', (t) => {
  t.throws(() => parseServiceOptions('/etc/default/docker', 'DOCKER_OPTS="-H unix:///x\n'), {message: /\/etc\/default\/docker, line 1: unterminated " quote/});
  t.throws(() => parseServiceOptions('/etc/default/docker', '\nDOCKER_OPTS=-H unix:///x\n'), {message: /line 2: quote the value/});
  t.throws(() => parseServiceOptions('/etc/default/docker', 'DOCKER_OPTS="$EXTRA"\n'), {message: /substitutions/});
});

test('engineArgs: the options file\'s flags first, then the ones given', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'service-options-'));
  try {
    const file = join(dir, 'docker');
    writeFileSync(file, 'DOCKER_OPTS="-H unix:///tmp/x.sock --data-root /tmp/data"\n');
    t.deepEqual(engineArgs({hosts: [], optionsFile: file, logLevel: 'debug'}), ['-H', 'unix:///tmp/x.sock', '--data-root', '/tmp/data', '--log-level', 'debug']);
    t.deepEqual(engineArgs({hosts: ['unix:///a.sock']}), ['-H', 'unix:///a.sock']);
    t.throws(() => engineArgs({hosts: [], optionsFile: join(dir, 'missing')}), {message: /cannot read the service options file .*missing/});
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test('restart with nothing recorded says how to name the options file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'service-restart-'));
  try {
    await t.throwsAsync(restartEngineProcess(dir), {message: /nothing to restart .*--options-file \/etc\/default\/docker/});
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
