/** Who handed in what: folders and archives, LMS "download all" names, ids in any script, and ids that cannot be. */
import test from 'ava';
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileNameFor, listSubmissions, studentIdOf} from '../../src/lab/homework/listing.js';

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
