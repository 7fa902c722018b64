/**
 * Everything between "start" and a running process: mount the container's root, write the files the engine
 * provides (/etc/hostname, /etc/hosts, /etc/resolv.conf), write and check the OCI bundle, then the runtime
 * creates the process under its shim.
 */
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {LayerStore} from '../images/layer-store.js';
import {hostsFile, resolvConf} from '../network/name-files.js';
import type {NameFiles} from '../network/manager.js';
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

function writeEngineFiles(c: ContainerRecord, files: NameFiles): void {
  const hostname = c.Config.Hostname || c.ID.slice(0, 12);
  writeFileSync(c.HostnamePath, `${hostname}\n`);
  writeFileSync(c.HostsPath, files.hosts);
  writeFileSync(c.ResolvConfPath, files.resolv);
}

/** Without an engine network (unit set-ups): the container's own names and the host's resolvers. */
export const plainNameFiles = (c: ContainerRecord): NameFiles => ({hosts: hostsFile(c, []), resolv: resolvConf(false), env: []});

/**
 * dockerd's defaults (PATH, HOSTNAME, TERM with a tty), then the link variables, then the container's Env over both
 * (an entry without `=` removes the variable), then HOME if unset.
 */
function processEnv(c: ContainerRecord, home: string, linkEnv: string[]): string[] {
  const defaults = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `HOSTNAME=${c.Config.Hostname || c.ID.slice(0, 12)}`];
  if (c.Config.Tty) defaults.push('TERM=xterm');
  const env = replaceOrAppendEnv(replaceOrAppendEnv(defaults, linkEnv), c.Config.Env);
  if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${home}`);
  return env;
}

export async function launch(c: ContainerRecord, layers: LayerStore, paths: RuntimePaths, runtime: OciRuntime, files = plainNameFiles(c)): Promise<ShimHandle> {
  const rw = rwLayerPaths(layers, c.MountID);
  await mountRwLayer(layers, rw);
  writeEngineFiles(c, files);
  await prepareMounts(c, rw.merged);
  const user = resolveUser(rw.merged, c.Config.User);
  const env = processEnv(c, user.home, files.env);
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
