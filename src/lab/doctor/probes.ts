/** Small, side-effect-free ways to look at the machine. Each returns what it saw; none throws. */
import {spawnSync} from 'node:child_process';
import {accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';

export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, cmd);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

export interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], timeoutMs = 10_000): RunResult {
  const r = spawnSync(cmd, args, {encoding: 'utf8', timeout: timeoutMs});
  return {ok: r.status === 0, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error.message) : '')};
}

/** First line of `cmd --version`-like output, trimmed. */
export function versionOf(cmd: string, args = ['--version']): string {
  const r = run(cmd, args);
  const line = (r.stdout || r.stderr).split('\n').find((l) => l.trim() !== '') ?? '';
  return line.trim().slice(0, 80);
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export {cgroupMode, type CgroupMode} from '../../engine/util/cgroup-mode.js';

/** Mount a real overlay in a temp dir (root only); otherwise look for it in /proc/filesystems. */
export function overlayWorks(): {ok: boolean; detail: string} {
  const listed = (readText('/proc/filesystems') ?? '').split('\n').some((l) => l.trim().endsWith('overlay'));
  if (!isRoot()) return {ok: listed, detail: listed ? 'listed in /proc/filesystems (not mounted: not root)' : 'not in /proc/filesystems'};
  const dir = mkdtempSync(join(tmpdir(), 'lab-doctor-ovl-'));
  try {
    for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'lower', 'f'), 'x');
    const opts = `lowerdir=${dir}/lower,upperdir=${dir}/upper,workdir=${dir}/work`;
    const m = run('mount', ['-t', 'overlay', 'overlay', '-o', opts, join(dir, 'merged')]);
    if (!m.ok) return {ok: false, detail: `mount -t overlay failed: ${m.stderr.trim()}`};
    const seen = existsSync(join(dir, 'merged', 'f'));
    run('umount', [join(dir, 'merged')]);
    return {ok: seen, detail: seen ? 'mounted a test overlay' : 'overlay mounted but the lower file was not visible'};
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

const namespaceKinds = ['pid', 'mnt', 'uts', 'ipc', 'net', 'user', 'cgroup'];

export function namespacesWork(): {ok: boolean; detail: string} {
  const missing = namespaceKinds.filter((k) => !existsSync(`/proc/self/ns/${k}`));
  if (missing.length > 0) return {ok: false, detail: `kernel lacks: ${missing.join(', ')}`};
  if (!isRoot()) return {ok: true, detail: `${namespaceKinds.join(' ')} present (not created: not root)`};
  const r = run('unshare', ['--fork', '--pid', '--mount', '--uts', '--ipc', '--net', '--cgroup', 'true']);
  return r.ok
    ? {ok: true, detail: `created ${namespaceKinds.filter((k) => k !== 'user').join(' ')}`}
    : {ok: false, detail: `unshare failed: ${r.stderr.trim()}`};
}

// The VM code decides on its accelerator with the same probe the doctor reports.
export {type Accelerator, detectAccelerator} from '../../vm/accelerator.js';

/** gcc -static really links (libc6-dev provides libc.a); a dynamic-only toolchain fails here. */
export function staticLinkWorks(): {ok: boolean; detail: string} {
  const dir = mkdtempSync(join(tmpdir(), 'lab-doctor-cc-'));
  try {
    writeFileSync(join(dir, 'h.c'), 'int main(void){return 0;}\n');
    const r = run('gcc', ['-static', '-o', join(dir, 'h'), join(dir, 'h.c')], 30_000);
    return r.ok ? {ok: true, detail: 'gcc -static links'} : {ok: false, detail: `gcc -static failed: ${r.stderr.trim().split('\n').pop()}`};
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

export function packageInstalled(pkg: string): boolean {
  const r = run('dpkg-query', ['-W', '-f=${Status}', pkg]);
  return r.ok && r.stdout.includes('install ok installed');
}
