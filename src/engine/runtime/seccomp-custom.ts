/**
 * A seccomp profile the client sent (`--security-opt seccomp=profile.json`; the docker CLI sends the file's
 * contents) in Docker's profile format, turned into the OCI form runc takes. Rules may be conditional on the
 * container's capabilities, the architecture and the kernel version (`includes`/`excludes`); those are
 * decided here, for this container, so runc sees only the rules that apply.
 */
import {arch, release} from 'node:os';
import {seccompArchitectures, type SeccompArg, type SeccompProfile, type SeccompRule} from './seccomp.js';

export class SeccompProfileError extends Error {
  override name = 'SeccompProfileError';
}

interface Conditions {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

interface ProfileRule {
  name?: string;
  names?: string[];
  action?: string;
  errnoRet?: number;
  args?: SeccompArg[] | null;
  includes?: Conditions;
  excludes?: Conditions;
}

interface ProfileFile {
  defaultAction?: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: Array<{architecture: string; subArchitectures?: string[]}> | null;
  syscalls?: ProfileRule[] | null;
}

const actions = new Set(['SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);

function kernelAtLeast(min: string, kernel: string): boolean {
  const want = min.split('.').map(Number);
  const have = kernel.split(/[.-]/).map(Number);
  for (let i = 0; i < want.length; i++) {
    if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > (want[i] ?? 0);
  }
  return true;
}

/** Docker's names for the machine ("amd64") and for libseccomp's architectures both count. */
function machineNames(): string[] {
  const m = arch();
  return m === 'x64' ? ['amd64', 'x86_64', 'SCMP_ARCH_X86_64'] : m === 'arm64' ? ['arm64', 'aarch64', 'SCMP_ARCH_AARCH64'] : [m];
}

function applies(rule: ProfileRule, caps: Set<string>, kernel: string): boolean {
  const inc = rule.includes ?? {};
  const exc = rule.excludes ?? {};
  const here = machineNames();
  if (inc.caps?.length && !inc.caps.every((c) => caps.has(c))) return false;
  if (inc.arches?.length && !inc.arches.some((a) => here.includes(a))) return false;
  if (inc.minKernel && !kernelAtLeast(inc.minKernel, kernel)) return false;
  if (exc.caps?.some((c) => caps.has(c))) return false;
  if (exc.arches?.some((a) => here.includes(a))) return false;
  if (exc.minKernel && kernelAtLeast(exc.minKernel, kernel)) return false;
  return true;
}

function architectures(p: ProfileFile): string[] {
  if (p.architectures?.length) return p.architectures;
  if (p.archMap?.length) {
    const native = seccompArchitectures()[0];
    const entry = p.archMap.find((a) => a.architecture === native);
    if (entry) return [entry.architecture, ...(entry.subArchitectures ?? [])];
  }
  return [];
}

/** Parses and converts; a profile that is not JSON or names an unknown action is a SeccompProfileError. */
export function customSeccompProfile(json: string, capabilities: readonly string[], kernel = release()): SeccompProfile {
  let p: ProfileFile;
  try {
    p = JSON.parse(json) as ProfileFile;
  } catch (error) {
    throw new SeccompProfileError(`Decoding seccomp profile failed: ${(error as Error).message}`);
  }
  if (typeof p !== 'object' || p === null || typeof p.defaultAction !== 'string' || !actions.has(p.defaultAction)) {
    const found = typeof p === 'object' && p !== null && p.defaultAction !== undefined ? ` (found ${JSON.stringify(p.defaultAction)})` : ' (it has none)';
    throw new SeccompProfileError(`Decoding seccomp profile failed: defaultAction must be one of ${[...actions].join(', ')}${found}`);
  }
  const caps = new Set(capabilities);
  const rules: SeccompRule[] = [];
  for (const r of p.syscalls ?? []) {
    const names = r.names?.length ? r.names : r.name ? [r.name] : [];
    if (names.length === 0) continue;
    if (!r.action || !actions.has(r.action)) throw new SeccompProfileError(`Decoding seccomp profile failed: unknown action ${JSON.stringify(r.action)} for ${names.join(', ')}`);
    if (!applies(r, caps, kernel)) continue;
    rules.push({names, action: r.action, ...(r.errnoRet !== undefined ? {errnoRet: r.errnoRet} : {}), ...(r.args?.length ? {args: r.args} : {})});
  }
  return {
    defaultAction: p.defaultAction,
    ...(p.defaultErrnoRet !== undefined ? {defaultErrnoRet: p.defaultErrnoRet} : {}),
    architectures: architectures(p),
    syscalls: rules,
  };
}
