/** Who handed in what: folders and archives, Moodle and Canvas "download all" names, ids in any script, and ids that cannot be. */
import test from 'ava';
import {mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileNameFor, listSubmissions, studentIdOf} from '../../src/lab/homework/listing.js';
import {parseCanvasName} from '../../src/lab/homework/lms-names.js';
import {gatherFiles} from '../../src/lab/homework/submissions.js';
import type {Roster} from '../../src/lab/roster/types.js';

test('Moodle folder names give the student, diacritics and spaces kept; ids are normalized to NFC', (t) => {
  t.is(studentIdOf('Antonín Dvořák_12345_assignsubmission_file_'), 'Antonín Dvořák');
  t.is(studentIdOf('Jana Nováková_77_assignsubmission_onlinetext_'), 'Jana Nováková');
  // macOS writes names decomposed (NFD); the id is the same student as the NFC spelling.
  t.is(studentIdOf('antonín.dvořák'.normalize('NFD')), 'antonín.dvořák');
  t.is(studentIdOf('李小龍.zip'), '李小龍');
  t.is(studentIdOf('o.brien.tar.gz'), 'o.brien');
});

test('results file names are derived from the id safely, and distinct ids never share one', (t) => {
  t.is(fileNameFor('alice'), 'alice');
  t.regex(fileNameFor('antonín.dvořák'), /^antonin\.dvorak-[0-9a-f]{8}$/);
  t.regex(fileNameFor('Antonín Dvořák'), /^Antonin_Dvorak-[0-9a-f]{8}$/);
  t.regex(fileNameFor('../../etc/passwd'), /^etc_passwd-[0-9a-f]{8}$/);
  t.regex(fileNameFor('李小龍'), /^student-[0-9a-f]{8}$/);
  t.not(fileNameFor('a b'), fileNameFor('a_b'));
});

test('folders and archives are students; duplicates, bad ids and symlinks are rejected with the reason', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-homework-list-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  for (const name of ['alice', 'Antonín Dvořák_12345_assignsubmission_file_', 'bad name!', '.git', '__MACOSX', 'bob', 'tab\tname']) mkdirSync(join(dir, name));
  writeFileSync(join(dir, 'carol.zip'), 'PK');
  writeFileSync(join(dir, 'dave.tgz'), '');
  writeFileSync(join(dir, 'bob.tar.gz'), '');
  writeFileSync(join(dir, 'README.txt'), 'not a student');
  symlinkSync('/etc', join(dir, 'mallory'));
  const list = listSubmissions(dir);
  const ok = list.filter((e) => !e.rejected).map((e) => [e.id, e.kind]);
  t.deepEqual(ok.sort(), [['Antonín Dvořák', 'folder'], ['alice', 'folder'], ['bad name!', 'folder'], ['carol', 'zip'], ['dave', 'tar.gz']]);
  const rejected = Object.fromEntries(list.filter((e) => e.rejected).map((e) => [e.entry, e.rejected]));
  t.deepEqual(Object.keys(rejected).sort(), ['bob', 'bob.tar.gz', 'mallory', 'tab\tname']);
  t.regex(rejected.bob!, /2 submissions for the student id "bob" \(bob, bob\.tar\.gz\): none is graded/);
  t.regex(rejected.mallory!, /symlink.*not followed/);
  t.regex(rejected['tab\tname']!, /control characters/);
});

test('Canvas download names: the user id, the LATE mark and the student\'s file name; anything else is not Canvas\'s', (t) => {
  t.deepEqual(parseCanvasName('novakjan_12345_67890_hw.zip'), {name: 'novakjan', late: false, userId: '12345', submissionId: '67890', file: 'hw.zip'});
  t.deepEqual(parseCanvasName('novakjan_LATE_12345_67890_my_file-1.tar.gz'), {name: 'novakjan', late: true, userId: '12345', submissionId: '67890', file: 'my_file-1.tar.gz'});
  t.like(parseCanvasName('dvořákantonín_7_8_Dockerfile'), {name: 'dvořákantonín', userId: '7', file: 'Dockerfile'});
  for (const name of ['alice.zip', 'Jan Novák_12345_67890_hw.zip', 'novakjan_12345_hw.zip', 'novakjan_12345_67890_', 'novakjan_late_12345_67890_x']) t.is(parseCanvasName(name), undefined, name);
});

test('Canvas files are gathered per user id and mapped to the roster by it; others by name; the rest flagged', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-homework-canvas-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  writeFileSync(join(dir, 'novakjan_12345_1_Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(dir, 'novakjan_12345_1_hello.c'), 'int main(){}\n');
  // Another Jan Novák: the same folded name, another Canvas user.
  writeFileSync(join(dir, 'novakjan_LATE_34567_2_hw.zip'), 'PK');
  writeFileSync(join(dir, 'someone_999_3_hw.tar.gz'), '');
  mkdirSync(join(dir, 'Antonín Dvořák_4411_assignsubmission_file_'));
  const roster: Roster = {format: 'canvas', importedFrom: 'x.csv', students: [
    {id: 'jnovak', name: 'Novák, Jan', lmsId: '12345'}, {id: 'jnovak2', name: 'Novák, Jan', lmsId: '34567'}, {id: 'advorak', name: 'Antonín Dvořák', lmsId: '23456'},
  ]};
  const list = listSubmissions(dir, roster);
  const by = (id: string) => list.find((e) => e.id === id)!;
  t.like(by('jnovak'), {kind: 'files', late: false, entry: 'novakjan_12345_*'});
  t.deepEqual(by('jnovak').files!.map((f) => f.name), ['Dockerfile', 'hello.c']);
  t.like(by('jnovak2'), {kind: 'zip', late: true, path: join(dir, 'novakjan_LATE_34567_2_hw.zip')});
  t.like(by('advorak'), {kind: 'folder', notOnRoster: undefined});
  t.like(by('someone'), {kind: 'tar.gz', notOnRoster: true});
  t.true(list.every((e) => !e.rejected));
  // Without a roster the two Jan Nováks cannot be told apart by name: neither is graded, and both are named.
  const bare = listSubmissions(dir).filter((e) => e.id === 'novakjan');
  t.is(bare.length, 2);
  t.true(bare.every((e) => /2 submissions for the student id "novakjan"/.test(e.rejected!)));
});

test('Canvas files are copied under the student\'s own names, a link among them is not followed', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-homework-gather-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  writeFileSync(join(dir, 'a_1_2_Dockerfile'), 'FROM scratch\n');
  symlinkSync('/etc/shadow', join(dir, 'a_1_2_shadow'));
  writeFileSync(join(dir, 'a_1_2_big.bin'), Buffer.alloc(70 * 1024));
  const report = gatherFiles([{path: join(dir, 'a_1_2_Dockerfile'), name: 'Dockerfile'}, {path: join(dir, 'a_1_2_shadow'), name: 'shadow'}, {path: join(dir, 'a_1_2_big.bin'), name: 'big.bin'}], join(dir, 'ctx'), {maxBytes: 1 << 20, maxFiles: 10, maxFileBytes: 64 * 1024});
  t.deepEqual(report.paths, ['Dockerfile']);
  t.deepEqual(readdirSync(join(dir, 'ctx')), ['Dockerfile']);
  t.regex(report.problems[0], /^shadow: a symlink to \/etc\/shadow, not followed and left out$/);
  t.regex(report.problems[1], /^big\.bin: 70\.0 KiB, over the limit of 64 KiB per file, left out$/);
});
