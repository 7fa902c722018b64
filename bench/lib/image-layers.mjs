// What each of the four layers of the generated image holds, shaped like a real image (a distribution base, a
// toolchain, language dependencies with whiteouts, an application), and how an entry becomes a tar header.
import {WORDS, prng} from './synthetic-content.mjs';

export const MTIME = new Date('2024-03-01T12:00:00Z');

/**
 * Each layer is a list of entries {path, type, size?, kind?, mode?, uid?, gid?, linkname?}; file content (of the
 * `kind` text or binary) is made only when the tar is written. Parent directories are added automatically.
 */
export function planLayers(seed) {
  const rand = prng(`${seed}\0plan`);
  const text = (path, lo, hi, extra = {}) => ({path, type: 'file', size: rand.int(lo, hi), kind: 'text', ...extra});
  const bin = (path, size, extra = {}) => ({path, type: 'file', size, kind: 'binary', mode: 0o755, ...extra});
  const MB = 1024 * 1024;

  // 1: a distribution base: thousands of small docs, configs and man pages, some binaries and two big libraries.
  const base = [
    {path: 'bin', type: 'symlink', linkname: 'usr/bin'},
    {path: 'lib', type: 'symlink', linkname: 'usr/lib'},
    {path: 'sbin', type: 'symlink', linkname: 'usr/sbin'},
    {path: 'tmp', type: 'directory', mode: 0o1777},
    {path: 'root', type: 'directory', mode: 0o700},
  ];
  const pkgs = [];
  for (let p = 0; p < 220; p++) {
    const pkg = `pkg${String(p).padStart(3, '0')}-${rand.pick(WORDS)}`;
    pkgs.push(pkg);
    base.push(text(`usr/share/doc/${pkg}/copyright`, 600, 9000, {mode: 0o644}));
    base.push(text(`usr/share/doc/${pkg}/changelog.Debian`, 300, 6000));
    for (let m = 0; m < rand.int(1, 5); m++) base.push(text(`usr/share/man/man${rand.int(1, 8)}/${pkg}-${m}.${rand.int(1, 8)}`, 400, 12000));
    base.push(text(`var/lib/dpkg/info/${pkg}.list`, 100, 4000));
    base.push(text(`var/lib/dpkg/info/${pkg}.md5sums`, 100, 4000));
    if (rand.next() < 0.4) base.push(text(`etc/${pkg}/${pkg}.conf`, 100, 3000));
    if (rand.next() < 0.5) base.push(bin(`usr/bin/${pkg}`, rand.int(16 * 1024, 160 * 1024)));
    if (rand.next() < 0.6) base.push(bin(`usr/lib/x86_64-linux-gnu/lib${pkg}.so.1`, rand.int(8 * 1024, 100 * 1024), {mode: 0o644}));
  }
  base.push(bin('usr/lib/x86_64-linux-gnu/libc.so.6', 2 * MB, {mode: 0o644}));
  base.push(bin('usr/lib/x86_64-linux-gnu/libstdc++.so.6', 2 * MB + 123_457, {mode: 0o644}));
  base.push({path: 'usr/lib/x86_64-linux-gnu/libc.so', type: 'symlink', linkname: 'libc.so.6'});
  base.push(bin('usr/bin/su', 72_000, {mode: 0o4755}));
  base.push(bin('usr/bin/passwd', 64_000, {mode: 0o4755}));
  base.push(bin('usr/bin/gzip', 98_000));
  base.push({path: 'usr/bin/gunzip', type: 'link', linkname: 'usr/bin/gzip'});
  base.push({path: 'usr/bin/zcat', type: 'link', linkname: 'usr/bin/gzip'});
  base.push(text('etc/passwd', 900, 900), text('etc/group', 500, 500), text('etc/os-release', 260, 260));

  // 2: a toolchain: a few big binaries plus a few hundred headers.
  const toolchain = [];
  for (const name of ['cc1', 'cc1plus', 'lto1', 'gdb']) toolchain.push(bin(`opt/toolchain/bin/${name}`, rand.int(7 * MB, 9 * MB)));
  for (let i = 0; i < 320; i++) toolchain.push(text(`opt/toolchain/include/${rand.pick(WORDS)}/${rand.pick(WORDS)}-${i}.h`, 200, 20_000));

  // 3: language dependencies: many small modules, two native extensions, and whiteouts of base files.
  const deps = [];
  for (let p = 0; p < 120; p++) {
    const mod = `site-packages/mod${String(p).padStart(3, '0')}_${rand.pick(WORDS)}`;
    for (let f = 0; f < rand.int(10, 30); f++) deps.push(text(`usr/local/lib/python3.11/${mod}/${rand.pick(WORDS)}_${f}.py`, 300, 9000, {uid: 1000, gid: 1000}));
    deps.push(text(`usr/local/lib/python3.11/${mod}/__init__.py`, 0, 400, {uid: 1000, gid: 1000}));
  }
  deps.push(bin('usr/local/lib/python3.11/site-packages/numeric/_core.so', 3 * MB + 4321, {mode: 0o644}));
  deps.push(bin('usr/local/lib/python3.11/site-packages/crypto/_native.so', 3 * MB - 999, {mode: 0o644}));
  // Whiteouts: a whole directory and a file of the base layer; an opaque directory.
  deps.push({path: `usr/share/doc/.wh.${pkgs[0]}`, type: 'file', size: 0, kind: 'text'});
  deps.push({path: 'etc/.wh.os-release', type: 'file', size: 0, kind: 'text'});
  deps.push({path: 'usr/local/etc/.wh..wh..opq', type: 'file', size: 0, kind: 'text'});
  deps.push(text('usr/local/etc/app.ini', 200, 2000));

  // 4: the application: sources and assets, one big data file, and a hard link to it.
  const app = [];
  for (let i = 0; i < 1300; i++) app.push(text(`srv/app/${rand.pick(['src', 'lib', 'assets', 'locales', 'views'])}/${rand.pick(WORDS)}/${rand.pick(WORDS)}-${i}.${rand.pick(['js', 'json', 'css', 'html', 'md'])}`, 80, 6000, {uid: 1000, gid: 1000}));
  app.push(bin('srv/app/data/model.bin', 16 * MB + 77, {mode: 0o644, uid: 1000, gid: 1000}));
  app.push({path: 'srv/app/data/model-current.bin', type: 'link', linkname: 'srv/app/data/model.bin', uid: 1000, gid: 1000});
  app.push(bin('srv/app/bin/start', 12_000));

  return [
    {name: 'base', entries: base, createdBy: '/bin/sh -c #(nop) ADD file:rootfs.tar.xz in / '},
    {name: 'toolchain', entries: toolchain, createdBy: '/bin/sh -c tar -xf toolchain.tar -C /opt'},
    {name: 'deps', entries: deps, createdBy: '/bin/sh -c pip install -r requirements.txt'},
    {name: 'app', entries: app, createdBy: 'COPY . /srv/app # buildkit'},
  ];
}

/** Adds the parent directories and orders the entries the way a tar made by walking a tree would be. */
export function withDirectories(entries) {
  const byPath = new Map();
  for (const e of entries) byPath.set(e.path, e);
  for (const e of entries) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!byPath.has(dir)) byPath.set(dir, {path: dir, type: 'directory'});
    }
  }
  // Sorting by path puts every directory before its contents (a prefix sorts first); hard links go last so
  // their targets are always already in place, as in a tar made by walking the tree.
  const sorted = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return [...sorted.filter((e) => e.type !== 'link'), ...sorted.filter((e) => e.type === 'link')];
}

/** The tar header of an entry: root-owned unless it says otherwise, every mtime the same. */
export function headerOf(e) {
  const header = {
    name: e.type === 'directory' ? `${e.path}/` : e.path,
    type: e.type,
    mode: e.mode ?? (e.type === 'directory' ? 0o755 : e.type === 'symlink' ? 0o777 : 0o644),
    uid: e.uid ?? 0,
    gid: e.gid ?? 0,
    uname: e.uid ? 'app' : 'root',
    gname: e.gid ? 'app' : 'root',
    mtime: MTIME,
    size: e.type === 'file' ? e.size : 0,
  };
  if (e.linkname !== undefined) header.linkname = e.linkname;
  return header;
}
