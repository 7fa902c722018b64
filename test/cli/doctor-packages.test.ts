/**
 * CI and `lab doctor` work from one list of system packages: what `.ci/run` installs (asked with --packages, which
 * prints what it installs from the same code path) is what `lab doctor --dev` checks, package for package.
 */
import test from 'ava';
import {chmodSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {which} from '../../src/lab/doctor/probes.js';
import {parseSystemPackages, systemPackages, systemPackagesFile} from '../../src/lab/doctor/system-packages.js';
import {runCommand, runLab} from '../helpers/cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ciRun = join(root, '.ci', 'run');

interface Report {
  ready: boolean;
  checks: Array<{id: string; status: string; packages: string[]; devOnly?: boolean}>;
}

async function doctor(args: string[]): Promise<Report> {
  const r = await runLab(['doctor', '--json', ...args]);
  return JSON.parse(r.stdout) as Report;
}

/** `.ci/run --packages`: "package" or "package command" (installed only where the command is missing). */
async function ciPackages(): Promise<Array<{package: string; unlessCommand?: string}>> {
  const r = await runCommand('bash', [ciRun, '--packages']);
  if (r.code !== 0) throw new Error(`.ci/run --packages failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((line) => {
    const [pkg, command] = line.trim().split(/\s+/);
    return command ? {package: pkg, unlessCommand: command} : {package: pkg};
  });
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

test('lab doctor --dev checks exactly the packages CI installs, and plain lab doctor all but the dev-only ones', async (t) => {
  const ci = await ciPackages();
  const all = await doctor(['--dev']);
  t.deepEqual(sorted(all.checks.flatMap((c) => c.packages)), sorted(ci.map((p) => p.package)));

  const devOnly = all.checks.filter((c) => c.devOnly);
  t.true(devOnly.length > 0, 'some packages only the tests need (tmux) are marked so');
  const plain = await doctor([]);
  t.deepEqual(plain.checks.map((c) => c.id), all.checks.filter((c) => !c.devOnly).map((c) => c.id));
  t.deepEqual(sorted(plain.checks.flatMap((c) => c.packages)), sorted(ci.map((p) => p.package).filter((p) => !devOnly.some((d) => d.id === p))));
});

test('the docker CLI rule is in the list: CI installs docker.io only where no docker is on PATH', async (t) => {
  const ci = await ciPackages();
  t.deepEqual(ci.find((p) => p.package === 'docker.io'), {package: 'docker.io', unlessCommand: 'docker'});
  t.true(systemPackages().find((p) => p.package === 'docker.io')?.skipIfCommandPresent);
});

test('.ci/run installs nothing but the list, and reads it from the file lab doctor reads', (t) => {
  const source = readFileSync(ciRun, 'utf8');
  t.true(source.includes('readFileSync("system-packages.json"'), '.ci/run reads the list lab doctor reads');
  t.is(systemPackagesFile(), join(root, 'system-packages.json'));
  const installs = source.split('\n').filter((line) => /apt-get\s+install/.test(line));
  t.deepEqual(installs, ['apt-get install -y -q --no-install-recommends "${install[@]}" >/dev/null']);
});

test('Debian\'s dockerd is a dev-only need of its own: CI installs docker.io for it even where a docker CLI is present', async (t) => {
  const ci = await ciPackages();
  t.deepEqual(ci.filter((p) => p.package === 'docker.io'), [{package: 'docker.io', unlessCommand: 'docker'}, {package: 'docker.io'}]);
  const dockerd = systemPackages().find((p) => p.id === 'dockerd');
  t.like(dockerd, {package: 'docker.io', devOnly: true, file: '/usr/sbin/dockerd'});
  const checks = (await doctor(['--dev'])).checks;
  t.deepEqual(checks.filter((c) => c.packages.includes('docker.io')).map((c) => c.id), ['docker.io', 'dockerd']);
  t.false((await doctor([])).checks.some((c) => c.id === 'dockerd'), 'plain lab doctor leaves it out');
});

test('one package may serve two needs, each entry with its own id, never the same id twice', (t) => {
  const cli = {package: 'docker.io', command: 'docker', skipIfCommandPresent: true, neededFor: 'the CLI'};
  const daemon = {package: 'docker.io', id: 'dockerd', file: '/usr/sbin/dockerd', devOnly: true, neededFor: 'tests'};
  t.deepEqual(parseSystemPackages({packages: [cli, daemon]}, 'list.json'), [cli, daemon]);
  const {id: _id, ...withoutId} = daemon;
  t.throws(() => parseSystemPackages({packages: [cli, withoutId]}, 'list.json'), {message: 'list.json lists docker.io twice'});
  t.throws(() => parseSystemPackages({packages: [daemon, {...daemon, package: 'other'}]}, 'list.json'), {message: 'list.json lists dockerd twice'});
});

test('the list is checked: a misspelt field, an entry with nothing to look for, a package listed twice', (t) => {
  const entry = {package: 'tmux', command: 'tmux', neededFor: 'tests'};
  t.deepEqual(parseSystemPackages({packages: [entry]}, 'list.json'), [entry]);
  t.throws(() => parseSystemPackages({packages: [{...entry, devonly: true}]}, 'list.json'), {message: /list\.json .*must NOT have additional properties \(devonly\)/});
  t.throws(() => parseSystemPackages({packages: [{package: 'tmux', neededFor: 'tests'}]}, 'list.json'), {message: /list\.json .*must have required property 'command'/});
  t.throws(() => parseSystemPackages({packages: [{package: 'docker.io', file: '/usr/bin/docker', skipIfCommandPresent: true, neededFor: 'x'}]}, 'list.json'), {message: /command/});
  t.throws(() => parseSystemPackages({packages: [entry, entry]}, 'list.json'), {message: 'list.json lists tmux twice'});
});

test('npm run build:shim without gcc leaves the helpers to lab doctor --fix instead of failing npm ci', async (t) => {
  // A PATH with node and sh only (npm runs scripts with sh): no gcc.
  const bin = mkdtempSync(join(tmpdir(), 'lab-no-gcc-'));
  t.teardown(() => rmSync(bin, {recursive: true, force: true}));
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync('/bin/sh', join(bin, 'sh'));
  chmodSync(bin, 0o755);
  const npm = which('npm');
  if (!npm) return t.fail('npm is not on PATH');
  const npmCli = realpathSync(npm);
  const r = await runCommand(process.execPath, [npmCli, 'run', '--silent', 'build:shim', '--prefix', root], {PATH: bin});
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /no gcc yet.*lab doctor --fix installs gcc and builds them/);
});
