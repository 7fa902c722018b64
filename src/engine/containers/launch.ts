/**
 * Everything between "start" and a running process: mount the container's root, write the files the engine
 * provides (/etc/hostname, /etc/hosts, /etc/resolv.conf), write and check the OCI bundle, then the runtime
 * creates the process under its shim.
 */
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {LayerStore} from '../images/layer-store.js';
import {hostsEntries} from '../network/views.js';
import {cgroupsPathFor, DEFAULT_CGROUP_PARENT} from '../runtime/cgroup-parent.js';
import {checkExecutable} from '../runtime/executable-check.js';
import {addContainerMounts, commandMayBeOnMount} from '../runtime/mounts.js';
import {buildOciSpec, validateOciSpec} from '../runtime/oci-spec.js';
import {applyResources} from '../runtime/resources.js';
import type {OciRuntime, ShimHandle} from '../runtime/oci-runtime.js';
import {resolveInRoot} from '../util/rootfs-path.js';
import type {SeccompChoice} from '../runtime/security-opt.js';
import {resolveUser} from '../runtime/user.js';
import {prepareMounts} from '../volumes/prepare.js';
import {replaceOrAppendEnv} from './env.js';
import {logLimits, recordLogConfig} from './log-config.js';
import type {ContainerRecord} from '../model/container.js';
import {mountRwLayer, rwLayerPaths} from './rw-layer.js';

export interface RuntimePaths {
  /** runc's --root. */
  runcRoot: string;
  /** The daemon's cgroup-parent: containers' cgroups are made under it. */
  cgroupParent: string;
  /** The daemon's seccomp-profile (daemon.json or --seccomp-profile); the engine's own allow-list when unset. */
  seccomp?: SeccompChoice;
  /** Where each container's bundle and shim state live: <exec-root>/c/<short id>. */
  stateDir(id: string): string;
}

export function runtimePaths(execRoot: string, cgroupParent = DEFAULT_CGROUP_PARENT, seccomp?: SeccompChoice): RuntimePaths {
  // Short dirs: the shim's unix sockets live in them and socket paths are limited to 108 bytes.
  return {runcRoot: join(execRoot, 'runc'), cgroupParent, seccomp, stateDir: (id) => join(execRoot, 'c', id.slice(0, 16))};
}

function hostResolvConf(): string {
  try {
    const lines = readFileSync('/etc/resolv.conf', 'utf8').split('\n');
    // A resolver on the host's loopback is unreachable from the container's own network namespace.
    const usable = lines.filter((l) => !/^\s*nameserver\s+(127\.|::1)/.test(l));
    return usable.join('\n').trim() + '\n';
  } catch {
    return '';
  }
}

/** `--add-host NAME:IP` (HostConfig.ExtraHosts) as dockerd writes them: after the defaults, before the container's own. */
function extraHostsEntries(c: ContainerRecord): string[] {
  return ((c.HostConfig.ExtraHosts as string[] | null | undefined) ?? []).map((h) => {
    const at = h.indexOf(':');
    return `${h.slice(at + 1)}\t${h.slice(0, at)}`;
  });
}

function writeEngineFiles(c: ContainerRecord): void {
  const hostname = c.Config.Hostname || c.ID.slice(0, 12);
  writeFileSync(c.HostnamePath, `${hostname}\n`);
  writeFileSync(
    c.HostsPath,
    ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'ff00::0\tip6-mcastprefix', 'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters', ...extraHostsEntries(c), ...hostsEntries(c), ''].join('\n'),
  );
  writeFileSync(c.ResolvConfPath, hostResolvConf());
}

/** dockerd's defaults (PATH, HOSTNAME, TERM with a tty) overridden by the container's Env, then HOME if unset. */
function processEnv(c: ContainerRecord, home: string): string[] {
  const defaults = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `HOSTNAME=${c.Config.Hostname || c.ID.slice(0, 12)}`];
  if (c.Config.Tty) defaults.push('TERM=xterm');
  const env = replaceOrAppendEnv(defaults, c.Config.Env);
  if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${home}`);
  return env;
}

export async function launch(c: ContainerRecord, layers: LayerStore, paths: RuntimePaths, runtime: OciRuntime): Promise<ShimHandle> {
  const rw = rwLayerPaths(layers, c.MountID);
  await mountRwLayer(layers, rw);
  writeEngineFiles(c);
  await prepareMounts(c, rw.merged);
  const user = resolveUser(rw.merged, c.Config.User);
  const env = processEnv(c, user.home);
  const cwd = c.Config.WorkingDir || '/';
  const args = [c.Path, ...c.Args];
  // Docker creates a missing working directory in the container's root.
  mkdirSync(resolveInRoot(rw.merged, cwd), {recursive: true});
  if (!commandMayBeOnMount(c, args, env, cwd)) checkExecutable(rw.merged, args, env, cwd);
  // Kept in the record: stats and OOM reports read the cgroup the container was really put in.
  c.CgroupsPath = cgroupsPathFor(c.ID, c.HostConfig.CgroupParent as string | undefined, paths.cgroupParent);
  const spec = buildOciSpec({record: c, rootPath: rw.merged, user, env, args, cwd, daemonSeccomp: paths.seccomp});
  addContainerMounts(spec, c);
  applyResources(spec, c, rw.merged);
  validateOciSpec(spec);
  const stateDir = paths.stateDir(c.ID);
  rmSync(stateDir, {recursive: true, force: true});
  mkdirSync(stateDir, {recursive: true, mode: 0o700});
  writeFileSync(join(stateDir, 'config.json'), JSON.stringify(spec, null, 2));
  return runtime.create({
    id: c.ID,
    bundle: stateDir,
    stateDir,
    logPath: c.LogPath || '/dev/null',
    ...logLimits(recordLogConfig(c.HostConfig)),
    tty: Boolean(c.Config.Tty),
    stdin: Boolean(c.Config.OpenStdin),
    stdinOnce: Boolean(c.Config.StdinOnce),
  });
}
