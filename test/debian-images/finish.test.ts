import {lstat, mkdir, readdir, readFile, readlink, symlink, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {finishRootfs} from '../../src/debian-images/debian/finish.js';
import {freshCacheDir} from './helpers.js';

// What a service image's recipe does after debootstrap: removals, a slim tree, symlinks; never outside the tree.

async function tree(): Promise<string> {
  const root = await freshCacheDir();
  for (const dir of ['usr/share/doc/redis-server', 'usr/share/man/man1', 'usr/share/locale/de/LC_MESSAGES', 'var/log/nginx', 'etc/postgresql/15/main']) await mkdir(join(root, dir), {recursive: true});
  await writeFile(join(root, 'usr/share/doc/redis-server/copyright'), 'licence\n');
  await writeFile(join(root, 'usr/share/doc/redis-server/changelog.Debian.gz'), 'x');
  await writeFile(join(root, 'usr/share/man/man1/redis-server.1.gz'), 'x');
  await writeFile(join(root, 'usr/share/locale/de/LC_MESSAGES/x.mo'), 'x');
  await writeFile(join(root, 'var/log/nginx/access.log'), '');
  await writeFile(join(root, 'etc/postgresql/15/main/postgresql.conf'), 'x');
  return root;
}

test('slim keeps copyright files only, removes trees, and logs become symlinks to stdout', async (t) => {
  const root = await tree();
  await finishRootfs(root, {suite: 'bookworm', slim: true, remove: ['/etc/postgresql/15', '/not/there'], symlinks: [{path: '/var/log/nginx/access.log', target: '/dev/stdout'}, {path: '/usr/share/nginx/html', target: '/var/www/html'}]});
  t.deepEqual(await readdir(join(root, 'usr/share/doc/redis-server')), ['copyright']);
  t.deepEqual(await readdir(join(root, 'usr/share/man/man1')).catch(() => []), []);
  t.deepEqual(await readdir(join(root, 'usr/share/locale/de/LC_MESSAGES')).catch(() => []), []);
  t.deepEqual(await readdir(join(root, 'etc/postgresql')), []);
  t.is(await readlink(join(root, 'var/log/nginx/access.log')), '/dev/stdout');
  t.is(await readlink(join(root, 'usr/share/nginx/html')), '/var/www/html');
  // Packages installed later in a derived image stay slim too.
  t.regex(await readFile(join(root, 'etc/dpkg/dpkg.cfg.d/docker-slim'), 'utf8'), /^path-include \/usr\/share\/doc\/\*\/copyright$/m);
});

test('a removal or symlink through a symlinked folder is refused: it could reach the build host', async (t) => {
  const root = await tree();
  const outside = await freshCacheDir();
  await writeFile(join(outside, 'precious'), 'keep me\n');
  await symlink(outside, join(root, 'escape'));
  await t.throwsAsync(finishRootfs(root, {suite: 'bookworm', remove: ['/escape/precious']}), {message: /\/escape\/precious: \/escape is not a directory in the image/});
  await t.throwsAsync(finishRootfs(root, {suite: 'bookworm', symlinks: [{path: '/escape/link', target: '/x'}]}), {message: /\/escape\/link: \/escape is not a directory in the image/});
  t.is(await readFile(join(outside, 'precious'), 'utf8'), 'keep me\n');
  t.false(await lstat(join(outside, 'link')).then(() => true, () => false));
});
