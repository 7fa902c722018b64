/**
 * The prerequisites `lab doctor` checks, in the order it reports them: Node.js, the Debian packages of
 * system-packages.json, the engine's helpers, then what the kernel must offer.
 */
import {existsSync} from 'node:fs';
import type {CheckResult} from './types.js';
import {engineHelpers} from './engine-helpers.js';
import {packagePrerequisite} from './package-checks.js';
import type {Outcome, Prerequisite} from './prerequisite.js';
import * as probe from './probes.js';
import {systemPackages} from './system-packages.js';

const node: Prerequisite = {
  id: 'node', name: 'Node.js ≥ 20', neededFor: 'running lab and its engine', packages: [],
  manualFix: 'install Node.js 20 or newer',
  check() {
    const major = Number(process.versions.node.split('.')[0]);
    return major >= 20 ? {status: 'ok', detail: `v${process.versions.node}`} : {status: 'missing', detail: `v${process.versions.node} is too old`};
  },
};

const kernel: Prerequisite[] = [
  {
    id: 'cgroups', name: 'cgroups', neededFor: 'container resource limits', packages: [],
    manualFix: 'mount cgroup2 at /sys/fs/cgroup (or boot with systemd)',
    check() {
      const mode = probe.cgroupMode();
      const words = {v1: 'cgroup v1', v2: 'cgroup v2 (unified)', hybrid: 'hybrid: v1 controllers + cgroup2 at /sys/fs/cgroup/unified', none: 'no cgroup filesystem mounted'};
      return {status: mode === 'none' ? 'missing' : 'ok', detail: words[mode]};
    },
  },
  {
    id: 'overlayfs', name: 'overlayfs', neededFor: 'image layers and container root filesystems', packages: [],
    manualFix: 'modprobe overlay',
    check() {
      const r = probe.overlayWorks();
      return {status: r.ok ? 'ok' : 'missing', detail: r.detail};
    },
  },
  {
    // unshare itself is util-linux's check; what fails here is the kernel, or / not being a mount point (a chroot).
    id: 'namespaces', name: 'namespaces', neededFor: 'isolating containers', packages: [],
    manualFix: 'a kernel with pid, mount, uts, ipc, net and cgroup namespaces, and / a mount point (in a chroot: mount --bind it onto itself)',
    check() {
      const r = probe.namespacesWork();
      return {status: r.ok ? 'ok' : 'missing', detail: r.detail};
    },
  },
  {
    id: 'kvm', where: 'host', name: 'KVM acceleration', neededFor: 'fast VMs (without it qemu uses TCG, about 12x slower guest CPU)', packages: [],
    manualFix: 'use a host with working KVM; labs still run under TCG',
    check() {
      const a = probe.detectAccelerator();
      return a.accel === 'kvm' ? {status: 'ok', detail: a.reason} : {status: 'warn', detail: `VMs will use TCG: ${a.reason}`};
    },
  },
];

/** Every prerequisite, the dev-only packages included. */
export function allPrerequisites(): Prerequisite[] {
  return [node, ...systemPackages().map(packagePrerequisite), engineHelpers(), ...kernel];
}

/** What `lab doctor` checks without --dev. */
export const prerequisites: Prerequisite[] = allPrerequisites().filter((p) => !p.devOnly);

export function fixCommand(p: Pick<Prerequisite, 'packages' | 'manualFix'>): string | undefined {
  if (p.packages.length > 0) return `apt-get install -y ${p.packages.join(' ')}`;
  return p.manualFix;
}

/** Inside the lab VM only the lab machine's part matters: VMs and images are built on the host. */
export const insideLabVm = (): boolean => existsSync('/usr/lib/lab-vm/boot');

export type DoctorScope = 'all' | 'lab-machine';

export interface CheckOptions {
  /** Also the packages only CI and the tests need. */
  dev?: boolean;
}

export function selectPrerequisites(scope: DoctorScope = 'all', opts: CheckOptions = {}): Prerequisite[] {
  return allPrerequisites().filter((p) => (scope === 'all' || p.where !== 'host') && (opts.dev || !p.devOnly));
}

export function runChecks(scope: DoctorScope = 'all', opts: CheckOptions = {}): CheckResult[] {
  return selectPrerequisites(scope, opts).map((p) => {
    let outcome: Outcome;
    try {
      outcome = p.check();
    } catch (error) {
      outcome = {status: 'missing', detail: `check failed: ${(error as Error).message}`};
    }
    const result: CheckResult = {id: p.id, name: p.name, status: outcome.status, detail: outcome.detail, neededFor: p.neededFor, packages: p.packages};
    if (p.devOnly) result.devOnly = true;
    if (outcome.status !== 'ok') result.fix = fixCommand(p);
    return result;
  });
}

export function isReady(checks: CheckResult[]): boolean {
  return checks.every((c) => c.status !== 'missing');
}
