/**
 * The kernel's own record of who changed a file's mode: the chmod-family calls that the lab's audit rule (loaded
 * at lab start under the lab's key) logged, read back with ausearch. Without a working audit (no auditctl, audit
 * off, no daemon writing the log, the rule gone) the log says so instead of being empty.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import type {AuditChmod, AuditLog} from '../../../graders/snapshot.js';

/** x86_64 numbers, for logs written without the enriched SYSCALL= field; the mode is argument a1 or a2. */
const syscalls: Record<number, {name: string; modeArg: 'a1' | 'a2'}> = {90: {name: 'chmod', modeArg: 'a1'}, 91: {name: 'fchmod', modeArg: 'a1'}, 268: {name: 'fchmodat', modeArg: 'a2'}, 452: {name: 'fchmodat2', modeArg: 'a2'}};

/** key=value fields of one record; quoted values unquoted, hex-encoded ones (names with spaces...) decoded. */
export function fields(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  // ENRICHED logs append the interpreted fields after a 0x1d separator: the raw ones before it are enough.
  const raw = line.split('\x1d')[0]!;
  for (const m of raw.matchAll(/(\w+)=("([^"]*)"|\S+)/g)) {
    const [, k, v, quoted] = m;
    if (k in out) continue;
    out[k!] = quoted ?? (['name', 'cwd', 'exe', 'comm'].includes(k!) && /^[0-9A-F]+$/.test(v!) && v!.length % 2 === 0 ? Buffer.from(v!, 'hex').toString('utf8') : v!);
  }
  return out;
}

const UNSET = 4294967295;

/** ausearch --raw output → one entry per chmod-family event. */
export function parseChmods(text: string): AuditChmod[] {
  const events = new Map<number, {time: number; lines: Array<{type: string; f: Record<string, string>}>}>();
  for (const line of text.split('\n')) {
    const m = /^type=(\w+) msg=audit\((\d+)\.(\d+):(\d+)\):/.exec(line);
    if (!m) continue;
    const serial = Number(m[4]);
    const e = events.get(serial) ?? {time: Number(m[2]) * 1000 + Number(m[3]), lines: []};
    e.lines.push({type: m[1]!, f: fields(line.slice(m[0].length))});
    events.set(serial, e);
  }
  const out: AuditChmod[] = [];
  for (const [serial, e] of events) {
    const s = e.lines.find((l) => l.type === 'SYSCALL')?.f;
    if (!s) continue;
    const known = syscalls[Number(s.syscall)];
    if (!known) continue;
    const auid = Number(s.auid);
    // The file the call named is item 0; the copy-up a first change causes adds items for the upper dir.
    const p = e.lines.find((l) => l.type === 'PATH' && l.f.item === '0')?.f;
    const cwd = e.lines.find((l) => l.type === 'CWD')?.f.cwd;
    out.push({
      timeMs: e.time, serial, syscall: known.name, success: s.success === 'yes', pid: Number(s.pid), ppid: Number(s.ppid),
      ...(Number.isFinite(auid) && auid !== UNSET ? {auid} : {}), comm: s.comm ?? '', exe: s.exe ?? '',
      ...(s[known.modeArg] ? {newMode: parseInt(s[known.modeArg]!, 16) & 0o7777} : {}),
      ...(cwd !== undefined ? {cwd} : {}),
      ...(p ? {path: {...(p.name && p.name !== '(null)' ? {name: p.name} : {}), inode: Number(p.inode), dev: p.dev ?? '', mode: parseInt(p.mode ?? '0', 8) & 0o7777}} : {}),
    });
  }
  return out.sort((a, b) => a.serial - b.serial);
}

function run(program: string, args: string[]): {ok: boolean; out: string; err: string} {
  const r = spawnSync(program, args, {encoding: 'utf8', timeout: 30_000});
  return {ok: r.status === 0, out: r.stdout ?? '', err: r.error ? r.error.message : (r.stderr ?? '').trim()};
}

/** Why audit cannot be trusted here, or undefined when it records under the key. */
function unavailable(key: string): string | undefined {
  const status = run('auditctl', ['-s']);
  if (!status.ok) return `auditctl -s failed (${status.err || 'no output'}): the kernel's audit is not available here`;
  if (!/^enabled [12]$/m.test(status.out)) return 'the kernel\'s audit is disabled (auditctl -s: enabled 0)';
  if (/^pid 0$/m.test(status.out)) return 'no audit daemon is running to write the records (auditctl -s: pid 0)';
  const rules = run('auditctl', ['-l']);
  if (!rules.out.includes(`key=${key}`)) return `the lab's audit rule (key ${key}) is not loaded: the changes were not recorded`;
  return undefined;
}

export function auditLog(key: string): AuditLog {
  const why = unavailable(key);
  if (why) return {key, available: false, error: why, chmods: []};
  try {
    // --raw: the records as the kernel wrote them; exit 1 with "<no matches>" when there are none yet.
    const text = execFileSync('ausearch', ['--raw', '-k', key], {encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024});
    return {key, available: true, chmods: parseChmods(text)};
  } catch (error) {
    const e = error as {status?: number; stdout?: string; stderr?: string};
    if (e.status === 1 && /no matches/.test(e.stderr ?? '')) return {key, available: true, chmods: []};
    return {key, available: false, error: `ausearch failed: ${(e.stderr ?? String(error)).trim()}`, chmods: []};
  }
}
