/**
 * The OCI runtime config (config.json) for a container: Docker's defaults — namespaces, capabilities,
 * masked and read-only /proc and /sys paths, device rules — filled with this container's command and files.
 */
import {Ajv} from 'ajv';
import type {ContainerRecord} from '../model/container.js';
import {ociNetworkNamespaces} from '../network/views.js';
import {cgroupMode} from '../util/cgroup-mode.js';
import {heldByEngine} from './capabilities.js';
import {ociConfigSchema} from './oci-schema.js';
import {parseSecurityOpt, seccompFor, type SeccompChoice} from './security-opt.js';
import type {ResolvedUser} from './user.js';

export const defaultCapabilities = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

export const maskedPaths = [
  '/proc/asound', '/proc/acpi', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];

export const readonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

const allowedDevices = [
  {allow: false, access: 'rwm'},
  {allow: true, type: 'c', major: -1, minor: -1, access: 'm'},
  {allow: true, type: 'b', major: -1, minor: -1, access: 'm'},
  ...[[1, 3], [1, 8], [1, 7], [5, 0], [1, 5], [1, 9], [5, 1], [136, -1], [5, 2], [10, 200]].map(([major, minor]) => ({allow: true, type: 'c', major, minor, access: 'rwm'})),
];

export interface OciSpecInput {
  record: ContainerRecord;
  rootPath: string;
  user: ResolvedUser;
  env: string[];
  args: string[];
  cwd: string;
  /** The daemon's seccomp-profile, for containers that ask for none of their own. */
  daemonSeccomp?: SeccompChoice;
}

export function buildOciSpec({record, rootPath, user, env, args, cwd, daemonSeccomp}: OciSpecInput) {
  const c = record.Config;
  const h = record.HostConfig;
  // Docker's rules: privileged gets every capability; --cap-add ALL means all but the drops; otherwise drops
  // (ALL empties the set) apply before adds, so `--cap-drop ALL --cap-add CHOWN` leaves CHOWN.
  const adds = (h.CapAdd ?? []).flatMap(expandCap);
  const drops = new Set((h.CapDrop ?? []).flatMap(expandCap));
  const addsAll = (h.CapAdd ?? []).some((a) => a.toUpperCase() === 'ALL');
  const base = h.Privileged ? allCapabilities() : addsAll ? allCapabilities().filter((cap) => !drops.has(cap)) : [...defaultCapabilities.filter((cap) => !drops.has(cap)), ...adds];
  const caps = new Set(base);
  const capList = [...caps].sort();
  const consoleSize = h.ConsoleSize && h.ConsoleSize[0] > 0 ? {height: h.ConsoleSize[0], width: h.ConsoleSize[1]} : undefined;
  const bind = (destination: string, source: string) => ({destination, type: 'bind', source, options: ['rbind', 'rprivate']});
  const mode = cgroupMode();
  const security = parseSecurityOpt(h.SecurityOpt);
  const seccomp = seccompFor(security, Boolean(h.Privileged), capList, daemonSeccomp);
  return {
    ociVersion: '1.0.2',
    hostname: c.Hostname || record.ID.slice(0, 12),
    ...(c.Domainname ? {domainname: c.Domainname} : {}),
    root: {path: rootPath, readonly: Boolean(h.ReadonlyRootfs)},
    process: {
      terminal: Boolean(c.Tty),
      ...(c.Tty && consoleSize ? {consoleSize} : {}),
      user: {uid: user.uid, gid: user.gid, ...(user.additionalGids.length > 0 ? {additionalGids: user.additionalGids} : {})},
      args,
      env,
      cwd,
      capabilities: {bounding: capList, effective: capList, permitted: capList},
      noNewPrivileges: security.noNewPrivileges,
      oomScoreAdj: 0,
    },
    mounts: [
      {destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev']},
      {destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k']},
      {destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']},
      {destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro']},
      {destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev']},
      {destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev']},
      {destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864']},
      bind('/etc/resolv.conf', record.ResolvConfPath),
      bind('/etc/hostname', record.HostnamePath),
      bind('/etc/hosts', record.HostsPath),
    ],
    linux: {
      namespaces: [
        {type: 'mount'},
        ...ociNetworkNamespaces(record),
        {type: 'uts'},
        // --pid=host: the container sees (and is seen by) every process of the host.
        ...(h.PidMode === 'host' ? [] : [{type: 'pid'}]),
        {type: 'ipc'},
        ...(mode === 'v2' ? [{type: 'cgroup'}] : []),
      ],
      resources: {devices: h.Privileged ? [{allow: true, access: 'rwm'}] : allowedDevices},
      cgroupsPath: record.CgroupsPath ?? `/docker/${record.ID}`,
      ...(h.Privileged ? {} : {maskedPaths, readonlyPaths}),
      ...(seccomp ? {seccomp} : {}),
    },
  };
}

export type OciSpec = ReturnType<typeof buildOciSpec>;

let validator: ((data: unknown) => boolean) & {errors?: Array<{instancePath: string; message?: string}> | null} | undefined;

/** Checks a generated config against the runtime-spec schema; the message names the first wrong field. */
export function validateOciSpec(spec: unknown): void {
  // The schema is the engine's own, checked against the meta-schema by test/engine/schemas.test.ts, not at every start.
  validator ??= new Ajv({allErrors: true, strict: false, validateSchema: false}).compile(ociConfigSchema);
  if (!validator(spec)) {
    const e = validator.errors?.[0];
    throw new Error(`generated OCI config is invalid at ${e?.instancePath || '/'}: ${e?.message}`);
  }
}

/** "All" for --privileged and ALL: what the engine itself holds, since runc cannot give more. */
export function allCapabilities(): string[] {
  return knownCapabilities().filter(heldByEngine);
}

export function knownCapabilities(): string[] {
  return [
    ...defaultCapabilities, 'CAP_DAC_READ_SEARCH', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_IPC_LOCK',
    'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
    'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_LEASE', 'CAP_AUDIT_CONTROL', 'CAP_MAC_OVERRIDE',
    'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
  ];
}

function expandCap(name: string): string[] {
  const upper = name.toUpperCase();
  if (upper === 'ALL') return allCapabilities();
  return [upper.startsWith('CAP_') ? upper : `CAP_${upper}`];
}
