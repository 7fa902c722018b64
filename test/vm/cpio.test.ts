import {execFileSync} from 'node:child_process';
import {lstat, mkdtemp, readFile, readlink, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {writeCpio} from '../../src/vm/build/cpio.js';
import {vmCpio} from '../../src/vm/machine/initrd.js';

test('cpio(1) reads back names, contents, modes and symlinks', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lab-cpio-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  const archive = writeCpio([
    {name: 'bin', type: 'directory'},
    {name: 'bin/tool', type: 'file', mode: 0o755, data: Buffer.from('#!/bin/sh\necho odd-sized\n')},
    {name: 'bin/link', type: 'symlink', target: 'tool'},
    {name: 'etc', type: 'directory', mode: 0o700},
    {name: 'etc/empty', type: 'file', data: Buffer.alloc(0)},
  ]);
  t.is(archive.length % 4, 0);
  await writeFile(join(dir, 'a.cpio'), archive);
  const listing = execFileSync('cpio', ['-it', '--quiet'], {input: archive, encoding: 'utf8'}).trim().split('\n');
  t.deepEqual(listing, ['bin', 'bin/tool', 'bin/link', 'etc', 'etc/empty']);
  execFileSync('cpio', ['-id', '--quiet', '--no-absolute-filenames'], {input: archive, cwd: dir});
  t.is(await readFile(join(dir, 'bin/tool'), 'utf8'), '#!/bin/sh\necho odd-sized\n');
  t.is((await lstat(join(dir, 'bin/tool'))).mode & 0o777, 0o755);
  t.is(await readlink(join(dir, 'bin/link')), 'tool');
  t.is((await lstat(join(dir, 'etc'))).mode & 0o777, 0o700);
});

test('names that climb out are refused', (t) => {
  t.throws(() => writeCpio([{name: '../etc/passwd', type: 'file', data: Buffer.from('x')}]), {message: /bad cpio entry name/});
});

test("a VM's secrets archive holds its key, fingerprint, authorized key and hostname", (t) => {
  const archive = vmCpio({dropbearHostKey: Buffer.from([1, 2, 3]), fingerprint: 'SHA256:abc', authorizedKeys: 'ssh-ed25519 AAAA x', hostname: 'lab26'});
  const listing = execFileSync('cpio', ['-itv', '--quiet'], {input: archive, encoding: 'utf8'});
  t.regex(listing, /-rw------- .* vm\/root\/etc\/dropbear\/dropbear_ed25519_host_key/);
  t.regex(listing, /vm\/root\/etc\/dropbear\/fingerprint/);
  t.regex(listing, /drwx------ .* vm\/root\/root\/.ssh\n/);
  t.regex(listing, /-rw------- .* vm\/root\/root\/.ssh\/authorized_keys/);
  t.regex(listing, /vm\/root\/etc\/hostname/);
});
