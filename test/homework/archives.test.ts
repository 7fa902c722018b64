/**
 * Submissions as archives, made by the real zip, Python's zipfile and tar: unpacked within limits, and hostile
 * ones (paths out of the folder, links to host files, a bomb, lying sizes) never write outside the submission.
 */
import test from 'ava';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {unpackSubmission} from '../../src/lab/homework/archives.js';

const limits = {maxBytes: 64 * 1024, maxFiles: 20, maxFileBytes: 32 * 1024};

function scratch(t: {teardown(fn: () => void): void}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-homework-archive-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

/** A zip written by Python's zipfile, entry by entry, so names and modes can be anything (as a hostile one's). */
function pythonZip(file: string, entries: Array<{name: string; data: string; repeat?: number; mode?: number}>): void {
  const script = `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)
for e in json.load(sys.stdin):
    i = zipfile.ZipInfo(e['name'])
    i.external_attr = e.get('mode', 0o100644) << 16
    i.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(i, e['data'] * e.get('repeat', 1))
z.close()`;
  execFileSync('python3', ['-c', script, file], {input: JSON.stringify(entries)});
}

test('a zip made by zip(1) unpacks: folders, executable bits, UTF-8 names', async (t) => {
  const dir = scratch(t);
  const src = join(dir, 'src');
  mkdirSync(join(src, 'sub'), {recursive: true});
  writeFileSync(join(src, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(src, 'sub', 'příliš.c'), 'int main(void) { return 0; }\n');
  writeFileSync(join(src, 'run.sh'), '#!/bin/sh\n', {mode: 0o755});
  execFileSync('zip', ['-qr', join(dir, 's.zip'), '.'], {cwd: src});
  const r = await unpackSubmission(join(dir, 's.zip'), 'zip', join(dir, 'out'), limits);
  t.deepEqual(r.problems, []);
  t.deepEqual(readdirSync(join(dir, 'out')).sort(), ['Dockerfile', 'run.sh', 'sub']);
  t.is(readFileSync(join(dir, 'out', 'sub', 'příliš.c'), 'utf8'), 'int main(void) { return 0; }\n');
});

test('a hostile zip: paths out of the folder, a symlink to /etc/shadow, a bomb and a big file are reported, not written', async (t) => {
  const dir = scratch(t);
  const zip = join(dir, 'evil.zip');
  pythonZip(zip, [
    {name: '../../escaped.txt', data: 'x'},
    {name: '/tmp/absolute.txt', data: 'x'},
    {name: 'shadow', data: '/etc/shadow', mode: 0o120777},
    {name: 'bomb.txt', data: '0', repeat: 10 * 1024 * 1024},
    {name: 'ok.c', data: 'int main(void) { return 0; }\n'},
  ]);
  const out = join(dir, 'deep', 'out');
  const r = await unpackSubmission(zip, 'zip', out, limits);
  t.deepEqual(readdirSync(out), ['ok.c']);
  t.false(existsSync(join(dir, 'escaped.txt')) || existsSync(join(dir, 'deep', 'escaped.txt')) || existsSync('/tmp/absolute.txt'));
  const problems = r.problems.join('\n');
  t.regex(problems, /^\.\.\/\.\.\/escaped\.txt: a path outside the submission, not unpacked$/m);
  t.regex(problems, /^\/tmp\/absolute\.txt: a path outside the submission/m);
  t.regex(problems, /^shadow: a symlink to \/etc\/shadow, not unpacked/m);
  t.regex(problems, /^bomb\.txt: 10\.0 MiB, over the limit of 32 KiB per file, left out$/m);
});

test('a zip whose entry unpacks to more than it declares is stopped at the declared size', async (t) => {
  const dir = scratch(t);
  const zip = join(dir, 'liar.zip');
  pythonZip(zip, [{name: 'a.txt', data: 'a', repeat: 100_000}]);
  // Patch the declared size (central directory) down to 10 bytes: inflating must not believe it.
  const data = readFileSync(zip);
  const cd = data.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  data.writeUInt32LE(10, cd + 24);
  writeFileSync(zip, data);
  const r = await unpackSubmission(zip, 'zip', join(dir, 'out'), limits);
  t.deepEqual(readdirSync(join(dir, 'out')), []);
  t.regex(r.problems.join('\n'), /^a\.txt: unpacks to more than it declares, left out$/m);
});

test('a .tar.gz unpacks; its links, devices and climbing paths are reported and never created', async (t) => {
  const dir = scratch(t);
  const src = join(dir, 'src');
  mkdirSync(join(src, 'src'), {recursive: true});
  writeFileSync(join(src, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(src, 'src', 'hello.c'), 'int main(void) { return 0; }\n');
  symlinkSync('/etc/shadow', join(src, 'shadow'));
  writeFileSync(join(src, 'big.bin'), Buffer.alloc(40 * 1024));
  const tgz = join(dir, 's.tar.gz');
  // --transform adds an entry that climbs out of the folder, as a hand-made hostile archive would.
  execFileSync('tar', ['-czf', tgz, '-C', src, 'Dockerfile', 'src', 'shadow', 'big.bin', '--transform', 's,^big.bin$,../../big.bin,', '-P']);
  const out = join(dir, 'a', 'out');
  const r = await unpackSubmission(tgz, 'tar.gz', out, limits);
  t.deepEqual(readdirSync(out).sort(), ['Dockerfile', 'src']);
  t.is(readFileSync(join(out, 'src', 'hello.c'), 'utf8'), 'int main(void) { return 0; }\n');
  t.false(existsSync(join(dir, 'big.bin')));
  const problems = r.problems.join('\n');
  t.regex(problems, /^shadow: a symlink to \/etc\/shadow, not unpacked/m);
  t.regex(problems, /^\.\.\/\.\.\/big\.bin: a path outside the submission/m);
});

test('an archive that is not one is a reported problem, not a crash', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'x.zip'), 'not a zip at all');
  writeFileSync(join(dir, 'x.tar.gz'), 'not gzip');
  t.regex((await unpackSubmission(join(dir, 'x.zip'), 'zip', join(dir, 'a'), limits)).problems.join(), /x\.zip: the archive cannot be read \(not a zip file/);
  t.regex((await unpackSubmission(join(dir, 'x.tar.gz'), 'tar.gz', join(dir, 'b'), limits)).problems.join(), /x\.tar\.gz: the archive cannot be read/);
});

test('a .tar.gz of "." (its top folder as "./") unpacks without a word', async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'Dockerfile'), 'FROM scratch\n');
  execFileSync('tar', ['-czf', join(dir, 's.tgz'), '-C', join(dir, 'src'), '.']);
  const r = await unpackSubmission(join(dir, 's.tgz'), 'tar.gz', join(dir, 'out'), limits);
  t.deepEqual(r.problems, []);
  t.deepEqual(readdirSync(join(dir, 'out')), ['Dockerfile']);
});

test('a .tar.gz bomb is not read through: unpacking stops once the archive holds far more than the limits', async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'a.c'), 'int main(void) { return 0; }\n');
  // 200 MiB of zeros in 200 KB of gzip: the limits here allow 64 KiB.
  execFileSync('sh', ['-c', `truncate -s 200M ${join(dir, 'src', 'zeros')} && tar -czf ${join(dir, 'bomb.tar.gz')} -C ${join(dir, 'src')} a.c zeros`]);
  rmSync(join(dir, 'src'), {recursive: true});
  const started = Date.now();
  const r = await unpackSubmission(join(dir, 'bomb.tar.gz'), 'tar.gz', join(dir, 'out'), limits);
  t.true(Date.now() - started < 5000, `unpacking took ${Date.now() - started} ms`);
  t.deepEqual(readdirSync(join(dir, 'out')), ['a.c']);
  t.regex(r.problems.join('\n'), /bomb\.tar\.gz: the archive cannot be read \(it holds more than 64 MiB; unpacking stopped there\)/);
});
