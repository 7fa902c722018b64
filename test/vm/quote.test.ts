import {execFileSync} from 'node:child_process';
import test from 'ava';
import {remoteCommand, shellJoin, shellQuote} from '../../src/vm/ssh/quote.js';

const nasty = ['plain', '', ' ', "it's", '"double"', '$HOME', '`id`', '$(id)', 'a\\b', 'new\nline', 'tab\there', '*', '~', '-n', '--', 'ünïcödé', "'", "''", ';rm -rf /', '|&<>', 'a=b'];

/** Runs the command as a login shell would (`sh -c STRING`) and returns the argv the program received. */
function received(command: string, shell = '/bin/sh'): string[] {
  const out = execFileSync(shell, ['-c', command], {encoding: 'utf8', env: {PATH: process.env.PATH ?? '/usr/bin:/bin'}});
  return out.split('\0').slice(0, -1);
}

for (const shell of ['/bin/sh', '/bin/bash']) {
  test(`every word reaches the program unchanged through ${shell}`, (t) => {
    t.deepEqual(received(remoteCommand(['printf', '%s\\0', ...nasty]), shell), nasty);
  });
}

test('safe words stay readable; others are single-quoted', (t) => {
  t.is(shellQuote('/usr/bin/docker'), '/usr/bin/docker');
  t.is(shellQuote('a b'), "'a b'");
  t.is(shellQuote("it's"), "'it'\\''s'");
  t.is(shellJoin(['docker', 'run', '--rm', 'busybox', 'echo', 'hi there']), "docker run --rm busybox echo 'hi there'");
});

test('cwd and environment apply, and the command replaces the shell', (t) => {
  const command = remoteCommand(['sh', '-c', 'printf "%s|%s|%s" "$PWD" "$GREETING" "$$"'], {cwd: '/tmp', env: {GREETING: "hello 'world' $USER"}});
  const [pwd, greeting] = execFileSync('/bin/sh', ['-c', command], {encoding: 'utf8'}).split('|');
  t.is(pwd, '/tmp');
  t.is(greeting, "hello 'world' $USER");
});

test('a timeout kills the command from inside with SIGKILL', (t) => {
  const command = remoteCommand(['sleep', '5'], {timeoutMs: 300});
  const started = Date.now();
  const error = t.throws(() => execFileSync('/bin/sh', ['-c', command])) as Error & {status: number | null; signal: string | null};
  // timeout signals its whole process group, itself included: a shell (or sshd) reports 128 + 9 either way.
  t.true(error.status === 137 || error.signal === 'SIGKILL', `status ${error.status}, signal ${error.signal}`);
  t.true(Date.now() - started < 4000);
});

test('sudo wraps the whole command so cwd and variables apply as root', (t) => {
  const command = remoteCommand(['id', '-u'], {sudo: true, cwd: '/x y', env: {A: '1'}});
  t.is(command, `exec sudo -n -- /bin/sh -c 'cd -- '\\''/x y'\\'' && export A=1 && exec id -u'`);
});

test('bad input is refused', (t) => {
  t.throws(() => remoteCommand([]), {message: /argv is empty/});
  t.throws(() => remoteCommand(['true'], {env: {'BAD-NAME': 'x'}}), {message: /invalid environment variable name/});
});
