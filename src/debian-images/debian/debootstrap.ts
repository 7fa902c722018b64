import {spawn} from 'node:child_process';
import {access, link, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {mountsBelow} from '../../common/mount-table.js';
import {BuildError} from '../support/errors.js';
import {run} from '../support/exec.js';

export interface DebootstrapRun {
  suite: string;
  target: string;
  mirror: string;
  architecture: string;
  variant: string;
  components: string[];
  include: string[];
  /** Shared folder of downloaded .debs, reused across builds (debootstrap re-checks every checksum). */
  debCache: string;
  /** Other folders whose .debs may be reused, e.g. apt's /var/cache/apt/archives. */
  seedDirs: string[];
  onLine: (line: string) => void;
}

/** Sbin folders are often missing from PATH, and debootstrap needs chroot, mknod and friends. */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export async function findProgram(name: string): Promise<string | undefined> {
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...SYSTEM_PATH.split(':')]) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await access(candidate).then(() => true, () => false)) return candidate;
  }
  return undefined;
}

/** "debootstrap 1.0.128+nmu2+deb12u2"; its scripts decide what gets installed, so it is part of the cache key. */
export async function debootstrapVersion(): Promise<string> {
  const program = await findProgram('debootstrap');
  if (!program) throw new BuildError('debootstrap is not installed (apt-get install debootstrap)');
  const {stdout} = await run(program, ['--version'], {env: {...process.env, PATH: SYSTEM_PATH, LC_ALL: 'C'}});
  return stdout.toString('utf8').trim();
}

/**
 * Runs debootstrap into target, in two stages (download and unpack, then install inside the
 * tree) so dpkg can be told not to fsync in between. Each run gets a private --cache-dir
 * seeded with hard links to the shared .debs, and new downloads are renamed into the shared
 * folder afterwards, so parallel builds never see a half-written .deb.
 */
export async function runDebootstrap(opts: DebootstrapRun): Promise<void> {
  if (process.getuid?.() !== 0) throw new BuildError('debootstrap must run as root (it creates device nodes and chroots to run maintainer scripts)');
  const program = await findProgram('debootstrap');
  if (!program) throw new BuildError('debootstrap is not installed (apt-get install debootstrap)');

  await mkdir(opts.debCache, {recursive: true});
  const privateCache = await mkdtemp(join(opts.debCache, '.run-'));
  try {
    const seeded = await seed(privateCache, [opts.debCache, ...opts.seedDirs]);
    const args = [
      '--foreign',
      `--variant=${opts.variant}`,
      `--arch=${opts.architecture}`,
      `--components=${opts.components.join(',')}`,
      ...(opts.include.length > 0 ? [`--include=${opts.include.join(',')}`] : []),
      '--merged-usr',
      `--cache-dir=${privateCache}`,
      opts.suite,
      opts.target,
      opts.mirror,
    ];
    await streamRun(program, args, opts.onLine, opts.target);
    await publish(privateCache, opts.debCache, seeded);

    // The second stage runs inside the tree. Without dpkg's fsync after every file it takes
    // about a third less time here; a crash just means building again.
    const chroot = await findProgram('chroot');
    if (!chroot) throw new BuildError('chroot is not installed (coreutils)');
    const unsafeIo = join(opts.target, 'etc/dpkg/dpkg.cfg.d/lab-build-unsafe-io');
    await mkdir(dirname(unsafeIo), {recursive: true});
    await writeFile(unsafeIo, 'force-unsafe-io\n');
    await streamRun(chroot, [opts.target, '/debootstrap/debootstrap', '--second-stage'], opts.onLine, opts.target);
    await rm(unsafeIo);
  } finally {
    await removeTree(privateCache);
  }
}

/** Links every .deb of dirs into the private cache; returns the names linked. */
async function seed(into: string, dirs: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const dir of dirs) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.deb') || seen.has(name)) continue;
      seen.add(name);
      // Only hard links: copying a whole apt cache from another file system would cost more than downloading.
      await link(join(dir, name), join(into, name)).catch(() => seen.delete(name));
    }
  }
  return seen;
}

/** Moves what debootstrap downloaded into the shared cache (seeded files are already somewhere). */
async function publish(from: string, to: string, seeded: Set<string>): Promise<void> {
  for (const name of await readdir(from)) {
    if (!name.endsWith('.deb') || seeded.has(name)) continue;
    // Rename replaces atomically; a file already shared is the same bytes (same name, checked checksum).
    await rename(join(from, name), join(to, name)).catch(() => undefined);
  }
}

function streamRun(program: string, args: string[], onLine: (line: string) => void, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: {PATH: SYSTEM_PATH, LC_ALL: 'C', HOME: '/root', DEBIAN_FRONTEND: 'noninteractive', TERM: 'dumb'},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const feed = (stream: NodeJS.ReadableStream) => {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          tail.push(line);
          if (tail.length > 30) tail.shift();
          onLine(line);
        }
      });
    };
    feed(child.stdout);
    feed(child.stderr);
    child.on('error', (error) => reject(new BuildError(`cannot run ${program}: ${error.message}`, {cause: error})));
    child.on('close', async (code, signal) => {
      if (code === 0) return resolve();
      // debootstrap's own log says which maintainer script or download failed.
      const log = await readFile(join(target, 'debootstrap/debootstrap.log'), 'utf8').catch(() => '');
      const logTail = log.trim().split('\n').slice(-15).join('\n');
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      reject(new BuildError(`debootstrap failed (${why}):\n${tail.join('\n')}${logTail ? `\n--- debootstrap.log (end) ---\n${logTail}` : ''}`));
    });
  });
}

/**
 * Deletes a build tree. A failed or killed debootstrap can leave /proc (or bind mounts of the
 * host's /dev) mounted inside it, so those are unmounted first and rm never crosses into
 * another file system. In the background, rm outlives this process: a loaded disk can take
 * several seconds for a whole root filesystem, and nothing waits for it.
 */
export async function removeTree(dir: string, opts: {background?: boolean} = {}): Promise<void> {
  for (const point of mountsBelow(dir)) {
    await run('umount', [point], {env: {...process.env, PATH: SYSTEM_PATH}}).catch(() =>
      run('umount', ['--lazy', point], {env: {...process.env, PATH: SYSTEM_PATH}}).catch(() => undefined),
    );
  }
  const left = mountsBelow(dir);
  if (left.length > 0) throw new BuildError(`not removing ${dir}: still mounted: ${left.join(', ')}`);
  const args = ['-rf', '--one-file-system', '--', dir];
  if (opts.background) {
    spawn('rm', args, {env: {PATH: SYSTEM_PATH}, detached: true, stdio: 'ignore'}).on('error', () => undefined).unref();
    return;
  }
  await run('rm', args, {env: {...process.env, PATH: SYSTEM_PATH}});
}
