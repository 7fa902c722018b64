/** The prerequisites `lab doctor` checks: each one says what it is for and which Debian package fixes it. */
import {existsSync} from 'node:fs';
import type {CheckResult} from './types.js';
import * as probe from './probes.js';

type Outcome = {status: CheckResult['status']; detail: string};
interface Prerequisite {
  id: string;
  name: string;
  neededFor: string;
  /** lab-machine: where containers run (this machine with --provider local, or the lab VM); host: where VMs and images are built. */
  where?: 'host';
  packages: string[];
  /** A hint for the fix when no Debian package applies. */
  manualFix?: string;
  check(): Outcome;
}

function command(cmd: string, versionArgs?: string[]): () => Outcome {
  return () => {
    const path = probe.which(cmd);
    if (!path) return {status: 'missing', detail: `\`${cmd}\` is not on PATH`};
    const version = versionArgs ? probe.versionOf(cmd, versionArgs) : '';
    return {status: 'ok', detail: version ? `${path} (${version})` : path};
  };
}

function staticBusybox(): Outcome {
  for (const path of ['/bin/busybox', '/usr/bin/busybox']) {
    if (!existsSync(path)) continue;
    // busybox-static installs the same path as the dynamic busybox package; only the static one runs in FROM scratch.
    if (!probe.packageInstalled('busybox-static')) return {status: 'missing', detail: `${path} is the dynamic build, not busybox-static`};
    return {status: 'ok', detail: path};
  }
  return {status: 'missing', detail: 'no busybox binary (package busybox-static)'};
}

export const prerequisites: Prerequisite[] = [
  {
    id: 'node', name: 'Node.js ≥ 20', neededFor: 'running lab and its engine', packages: [],
    manualFix: 'install Node.js 20 or newer',
    check() {
      const major = Number(process.versions.node.split('.')[0]);
      return major >= 20 ? {status: 'ok', detail: `v${process.versions.node}`} : {status: 'missing', detail: `v${process.versions.node} is too old`};
    },
  },
  {id: 'runc', name: 'runc', neededFor: 'starting container processes (the OCI runtime)', packages: ['runc'], check: command('runc', ['--version'])},
  {id: 'iproute2', name: 'iproute2 (ip)', neededFor: 'container networks: veth pairs, bridges, addresses', packages: ['iproute2'], check: command('ip', ['-V'])},
  {id: 'busybox-static', name: 'busybox-static', neededFor: 'the busybox base image and static binaries in FROM scratch', packages: ['busybox-static'], check: staticBusybox},
  {id: 'attr', name: 'attr (setfattr)', neededFor: 'opaque directories in overlay image layers', packages: ['attr'], check: command('setfattr', ['--version'])},
  {id: 'gcc', name: 'gcc', neededFor: 'lab 26: compiling hello.c', packages: ['gcc'], check: command('gcc', ['--version'])},
  {
    id: 'libc6-dev', name: 'libc6-dev (static linking)', neededFor: 'lab 26: gcc -static for FROM scratch images', packages: ['libc6-dev'],
    check() {
      if (!probe.which('gcc')) return {status: 'missing', detail: 'needs gcc first'};
      const r = probe.staticLinkWorks();
      return {status: r.ok ? 'ok' : 'missing', detail: r.detail};
    },
  },
  {id: 'qemu-system-x86', where: 'host', name: 'qemu-system-x86', neededFor: 'disposable lab VMs', packages: ['qemu-system-x86'], check: command('qemu-system-x86_64', ['--version'])},
  {id: 'qemu-utils', where: 'host', name: 'qemu-utils (qemu-img)', neededFor: 'copy-on-write VM disks', packages: ['qemu-utils'], check: command('qemu-img', ['--version'])},
  {id: 'debootstrap', where: 'host', name: 'debootstrap', neededFor: 'building the lab VM and the debian image', packages: ['debootstrap'], check: command('debootstrap', ['--version'])},
  {
    id: 'docker-cli', name: 'docker CLI', neededFor: 'the client students type (talks to labd)', packages: ['docker.io'],
    check: command('docker', ['--version']),
  },
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
    id: 'namespaces', name: 'namespaces', neededFor: 'isolating containers', packages: ['util-linux'],
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

export function fixCommand(p: Pick<Prerequisite, 'packages' | 'manualFix'>): string | undefined {
  if (p.packages.length > 0) return `apt-get install -y ${p.packages.join(' ')}`;
  return p.manualFix;
}

/** Inside the lab VM only the lab machine's part matters: VMs and images are built on the host. */
export const insideLabVm = (): boolean => existsSync('/usr/lib/lab-vm/boot');

export type DoctorScope = 'all' | 'lab-machine';

export function runChecks(scope: DoctorScope = 'all'): CheckResult[] {
  return prerequisites.filter((p) => scope === 'all' || p.where !== 'host').map((p) => {
    let outcome: Outcome;
    try {
      outcome = p.check();
    } catch (error) {
      outcome = {status: 'missing', detail: `check failed: ${(error as Error).message}`};
    }
    const result: CheckResult = {id: p.id, name: p.name, status: outcome.status, detail: outcome.detail, neededFor: p.neededFor, packages: p.packages};
    if (outcome.status !== 'ok') result.fix = fixCommand(p);
    return result;
  });
}

export function isReady(checks: CheckResult[]): boolean {
  return checks.every((c) => c.status !== 'missing');
}

