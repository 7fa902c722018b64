/**
 * The OCI `linux.seccomp` section of a container: the engine's built-in allow-list (seccomp-syscalls.ts)
 * shaped for the container's capabilities and the host's kernel. runc compiles it with libseccomp, loads it
 * into the container's first process and into every `docker exec` process, so a blocked call fails with EPERM
 * wherever in the container it is made.
 */
import {arch, release} from 'node:os';
import {absentOnX86_64, allowedSyscalls, neverAllowed, syscallsByCapability} from './seccomp-syscalls.js';

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}

export interface SeccompRule {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: SeccompArg[];
}

export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  syscalls?: SeccompRule[];
}

const EPERM = 1;
const ENOSYS = 38;

/** Every namespace flag clone(2) takes (CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET). */
const CLONE_NAMESPACE_FLAGS = 0x7e020000;

/**
 * The architecture a filter covers: the host's own ABI only. A call through another ABI (the 32-bit int 0x80
 * entry on x86-64, a classic way around a filter that forgets it) does not match and the process is killed.
 * Adding the compat ABI would let 32-bit binaries run, at the price of compiling every rule once more in
 * each `docker exec` (runc rebuilds the filter for every process it starts: about 10 ms per ABI here);
 * such images can run with `--security-opt seccomp=unconfined` or a profile of their own.
 */
export function seccompArchitectures(machine = arch()): string[] {
  const native: Record<string, string> = {x64: 'SCMP_ARCH_X86_64', arm64: 'SCMP_ARCH_AARCH64', ppc64: 'SCMP_ARCH_PPC64LE', s390x: 'SCMP_ARCH_S390X', riscv64: 'SCMP_ARCH_RISCV64'};
  return native[machine] ? [native[machine]] : [];
}

/** Before Linux 4.8 a traced process could skip seccomp through ptrace: there it needs CAP_SYS_PTRACE. */
export function ptraceIsSafe(kernel = release()): boolean {
  const [major = 0, minor = 0] = kernel.split(/[.-]/).map(Number);
  return major > 4 || (major === 4 && minor >= 8);
}

/** The built-in profile for a container holding `capabilities` (the OCI names, CAP_...). */
export function defaultSeccompProfile(capabilities: readonly string[], kernel = release(), machine = arch()): SeccompProfile {
  const caps = new Set(capabilities);
  const allowed = new Set(allowedSyscalls);
  for (const [cap, names] of Object.entries(syscallsByCapability)) if (caps.has(cap)) for (const n of names) allowed.add(n);
  if (ptraceIsSafe(kernel) || caps.has('CAP_SYS_PTRACE')) allowed.add('ptrace');
  for (const n of neverAllowed) allowed.delete(n);
  if (machine === 'x64') for (const n of absentOnX86_64) allowed.delete(n);
  const admin = caps.has('CAP_SYS_ADMIN');
  const rules: SeccompRule[] = [{names: [...allowed].sort(), action: 'SCMP_ACT_ALLOW'}];
  if (admin) {
    rules.push({names: ['clone'], action: 'SCMP_ACT_ALLOW'});
  } else {
    // New processes and threads, but no new namespaces (x86 and arm pass the flags in the first argument).
    rules.push({names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ'}]});
    // clone3 passes its flags in memory a filter cannot read. ENOSYS, not EPERM: C libraries then fall back
    // to clone(2), which the rule above can check.
    rules.push({names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS});
  }
  // personality(2): the execution domains programs really ask for (Linux, its 32-bit variant, the UNAME26
  // compatibility flag, and the query 0xffffffff); other flags such as ADDR_NO_RANDOMIZE would turn off
  // protections like address-space randomisation.
  for (const persona of [0x0, 0x8, 0x20000, 0x20008, 0xffffffff]) {
    rules.push({names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{index: 0, value: persona, op: 'SCMP_CMP_EQ'}]});
  }
  return {defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: EPERM, architectures: seccompArchitectures(machine), syscalls: rules};
}
