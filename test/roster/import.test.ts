/** The class list from Moodle, Canvas and plain CSV exports: ids and names kept as given, errors naming the line. */
import test from 'ava';
import {parseRoster} from '../../src/lab/roster/import.js';
import {findStudent} from '../../src/lab/roster/store.js';

const bom = '\uFEFF';

test('a Moodle participants export with a BOM: the username is the id, names with diacritics kept', (t) => {
  const csv = `${bom}"First name","Last name",Username,"ID number","Email address",Roles,Groups\r\nAntonín,Dvořák,antonín.dvořák,4411,antonin.dvorak@uni.example,Student,"Group A"\r\nJan,"Novák, ml.",jnovak,,jan.novak@uni.example,Student,\r\n`;
  const roster = parseRoster(csv, 'moodle.csv');
  t.is(roster.format, 'moodle');
  t.deepEqual(roster.students, [
    {id: 'antonín.dvořák', name: 'Antonín Dvořák', email: 'antonin.dvorak@uni.example', username: 'antonín.dvořák', idNumber: '4411', section: 'Group A'},
    {id: 'jnovak', name: 'Jan Novák, ml.', email: 'jan.novak@uni.example', username: 'jnovak'},
  ]);
});

test('Moodle\'s participants table without a username column: the e-mail is the id; semicolons as Excel writes them', (t) => {
  const roster = parseRoster('First name;Last name;Email address;Roles\nZoë;Ångström;zoe@uni.example;Student\n', 'p.csv');
  t.deepEqual(roster.students, [{id: 'zoe@uni.example', name: 'Zoë Ångström', email: 'zoe@uni.example'}]);
});

test('a Canvas export: the Points Possible row is skipped, the SIS login is the id, Canvas\'s ID kept for the import', (t) => {
  const csv = 'Student,ID,SIS User ID,SIS Login ID,Section,Lab 26 (1234)\n    Points Possible,,,,,16\n"Dvořák, Antonín",9001,A1,antonín.dvořák,Lab 1,\n"Student, Test",9002,,,,\n';
  const roster = parseRoster(csv, 'canvas.csv');
  t.is(roster.format, 'canvas');
  t.deepEqual(roster.students, [
    {id: 'antonín.dvořák', name: 'Dvořák, Antonín', lmsId: '9001', username: 'antonín.dvořák', idNumber: 'A1', section: 'Lab 1'},
    {id: '9002', name: 'Student, Test', lmsId: '9002'},
  ]);
});

test('a plain CSV with hosts for collection', (t) => {
  const roster = parseRoster('id,name,host\n王小明,王小明,student@lab-07.example:2222\n', 'plain.csv');
  t.deepEqual(roster.students, [{id: '王小明', name: '王小明', host: 'student@lab-07.example:2222'}]);
});

test('errors name the file and the line: unknown headers, a missing id, a duplicate, an open quote', (t) => {
  t.regex(t.throws(() => parseRoster('Vorname,Nachname\nA,B\n', 'x.csv'))!.message, /^x\.csv: line 1: not a Moodle participants export .* found "Vorname", "Nachname"$/);
  t.is(t.throws(() => parseRoster('id,name\n,Nobody\n', 'x.csv'))!.message, 'x.csv: line 2: no student id (expected an id)');
  t.is(t.throws(() => parseRoster('id\nalice\nbob\nalice\n', 'x.csv'))!.message, 'x.csv: line 4: the id "alice" is already on line 2');
  t.is(t.throws(() => parseRoster('id,name\nalice,"Alice\n', 'x.csv'))!.message, 'x.csv: line 2: a quoted cell is never closed');
  t.is(t.throws(() => parseRoster('id\n', 'x.csv'))!.message, 'x.csv: no students (only a header row)');
});

test('a student is found by id, username, e-mail or name, accents compared as written (NFC)', (t) => {
  const roster = parseRoster('id,name,email\nantonín.dvořák,Antonín Dvořák,ad@uni.example\n', 'x.csv');
  const decomposed = 'antonín.dvořák'.normalize('NFD');
  t.is(findStudent(roster, decomposed)?.id, 'antonín.dvořák');
  t.is(findStudent(roster, 'AD@uni.example')?.id, 'antonín.dvořák');
  t.is(findStudent(roster, 'Antonín Dvořák')?.id, 'antonín.dvořák');
  t.is(findStudent(roster, 'antonin.dvorak'), undefined);
});

test('a vm column names the student\'s VM for qemu collection; a name that could leave the VM folder is refused', (t) => {
  t.deepEqual(parseRoster('id,vm\nalice,lab26-alice\n', 'x.csv').students, [{id: 'alice', name: 'alice', vm: 'lab26-alice'}]);
  t.is(t.throws(() => parseRoster('id,vm\nalice,../../etc\n', 'x.csv'))!.message, 'x.csv: line 2: the vm "../../etc" is not a VM name (letters, digits, ".", "_", "-")');
});
