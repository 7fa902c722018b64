/**
 * Logging drivers through the stock docker CLI: json-file with max-size / max-file rotates its files so that a
 * container printing without end cannot fill the disk, `docker logs` (and -f across rotations) reads what was
 * kept in order; the none driver writes nothing; daemon.json log-opts are every container's default.
 */
import {existsSync, readFileSync, statSync} from 'node:fs';
import test from 'ava';
import {busyboxEngine} from '../helpers/busybox-engine.js';
import {startTestEngine} from '../helpers/engine.js';

const engine = busyboxEngine(test, {daemonJson: {'log-opts': {'max-size': '20k', 'max-file': '2'}}});

const inspect = async (name: string, format: string) => (await engine.docker(['inspect', '-f', format, name])).stdout.trim();
const numbers = (text: string) => [...text.matchAll(/^line-(\d+)$/gm)].map((m) => Number(m[1]));
const printLines = (n: number, pause = '') => `i=0; while [ $i -lt ${n} ]; do echo line-$i; ${pause} i=$((i+1)); done`;

function consecutive(list: number[]): boolean {
  return list.every((n, i) => i === 0 || n === list[i - 1] + 1);
}

test.serial('max-size and max-file: the files rotate and stay bounded; docker logs gives the newest lines, none missing in between', async (t) => {
  const run = await engine.docker(['run', '--name', 'chatty', '--log-opt', 'max-size=10k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', printLines(3000)]);
  t.is(run.code, 0, run.stderr);
  t.is(numbers(run.stdout).length, 3000, 'the attached client still gets every line');
  t.is(await inspect('chatty', '{{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config "max-size"}} {{index .HostConfig.LogConfig.Config "max-file"}}'), 'json-file 10k 3');
  const path = await inspect('chatty', '{{.LogPath}}');
  for (const file of [path, `${path}.1`, `${path}.2`]) {
    t.true(existsSync(file), file);
    t.true(statSync(file).size <= 10_000, `${file}: ${statSync(file).size} bytes`);
    // Rotation happens between entries: every line of every file is a whole JSON object.
    for (const line of readFileSync(file, 'utf8').trimEnd().split('\n')) t.notThrows(() => JSON.parse(line), line);
  }
  t.false(existsSync(`${path}.3`), 'max-file=3 keeps three files, the live one included');
  const logs = await engine.docker(['logs', 'chatty']);
  const kept = numbers(logs.stdout);
  t.is(kept.at(-1), 2999);
  t.true(kept[0] > 0 && kept.length < 3000, `kept ${kept.length} lines from line-${kept[0]}`);
  t.true(consecutive(kept), 'the rotated files are read oldest first');
  const tail = await engine.docker(['logs', '--tail', '5', 'chatty']);
  t.deepEqual(numbers(tail.stdout), [2995, 2996, 2997, 2998, 2999]);
});

test.serial('max-size alone keeps one file, emptied when full', async (t) => {
  const run = await engine.docker(['run', '--name', 'one-file', '--log-opt', 'max-size=4k', '--log-opt', 'max-file=1', 'busybox', 'sh', '-c', printLines(1000)]);
  t.is(run.code, 0, run.stderr);
  const path = await inspect('one-file', '{{.LogPath}}');
  t.true(statSync(path).size <= 4000);
  t.false(existsSync(`${path}.1`));
  const kept = numbers((await engine.docker(['logs', 'one-file'])).stdout);
  t.is(kept.at(-1), 999);
  t.true(consecutive(kept));
});

test.serial('docker logs -f follows across rotations without losing or repeating a line', async (t) => {
  const run = await engine.docker(['run', '-d', '--name', 'follow-me', '--log-opt', 'max-size=6k', '--log-opt', 'max-file=2', 'busybox', 'sh', '-c', `sleep 1; ${printLines(200, 'sleep 0.02;')}`]);
  t.is(run.code, 0, run.stderr);
  const follow = await engine.docker(['logs', '-f', 'follow-me']);
  t.is(follow.code, 0, follow.stderr);
  t.deepEqual(numbers(follow.stdout), Array.from({length: 200}, (_, i) => i));
  const path = await inspect('follow-me', '{{.LogPath}}');
  t.true(existsSync(`${path}.1`), 'the log did rotate while it was followed');
});

test.serial('the daemon\'s log-opts are the default; a container\'s own options win', async (t) => {
  const run = await engine.docker(['run', '-d', '--name', 'defaults', 'busybox', 'true']);
  t.is(run.code, 0, run.stderr);
  t.is(await inspect('defaults', '{{json .HostConfig.LogConfig}}'), '{"Type":"json-file","Config":{"max-file":"2","max-size":"20k"}}');
  const own = await engine.docker(['run', '-d', '--name', 'own', '--log-opt', 'max-size=1m', 'busybox', 'true']);
  t.is(own.code, 0, own.stderr);
  t.is(await inspect('own', '{{index .HostConfig.LogConfig.Config "max-size"}}'), '1m');
  const info = await engine.docker(['info', '--format', '{{.LoggingDriver}}']);
  t.is(info.stdout.trim(), 'json-file');
});

test.serial('--log-driver none: nothing is written, the attached client still sees the output, docker logs says why it has none', async (t) => {
  const run = await engine.docker(['run', '--name', 'silent', '--log-driver', 'none', 'busybox', 'echo', 'hello']);
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, 'hello\n');
  t.is(await inspect('silent', '{{.HostConfig.LogConfig.Type}}|{{.LogPath}}'), 'none|');
  const dir = await inspect('defaults', '{{.LogPath}}');
  const id = await inspect('silent', '{{.Id}}');
  t.false(existsSync(dir.replace(/[0-9a-f]{64}\/[0-9a-f]{64}-json\.log$/, `${id}/${id}-json.log`)));
  const logs = await engine.docker(['logs', 'silent']);
  t.not(logs.code, 0);
  t.regex(logs.stderr, /configured logging driver does not support reading/);
});

test('bad logging options are refused at create with dockerd\'s words', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--log-driver', 'syslog'], /no log driver named 'syslog' is registered/],
    [['--log-opt', 'max-size=lots'], /invalid size: 'lots'/],
    [['--log-opt', 'max-size=0'], /max-size must be a positive number/],
    [['--log-opt', 'max-file=0'], /max-file cannot be less than 1/],
    [['--log-opt', 'colour=red'], /unknown log opt 'colour' for json-file log driver/],
    // (the CLI itself refuses options for none before asking the daemon)
    [['--log-driver', 'none', '--log-opt', 'max-size=1m'], /invalid logging opts for driver none/],
  ];
  for (const [flags, expected] of cases) {
    const r = await engine.docker(['create', ...flags, 'busybox', 'true']);
    t.not(r.code, 0, flags.join(' '));
    t.regex(r.stderr, expected, flags.join(' '));
  }
});

test('a daemon.json log option that cannot work stops the daemon with the key named', async (t) => {
  const error = await t.throwsAsync(startTestEngine({daemonJson: {'log-opts': {'max-size': 'huge'}}}));
  t.regex(JSON.parse(error!.message.replace(/^[^{]*/, '')).error.message, /daemon\.json: key "log-opts": invalid size: 'huge'/);
});
