/**
 * The collector: runs inside the lab environment as root and gathers a Snapshot in one pass — the engine's
 * containers, images and events through its API socket, files and their ELF facts, namespace inodes, and
 * paths looked up in image layers and container upper dirs. One round trip per `lab check`, whatever the provider.
 */
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {demuxLogs, EngineClient} from '../../engine/client/index.js';
import {dirListing, overlayMounts} from './collect-host.js';
import {daemonSnapshot} from './collect-daemon.js';
import {capabilityFacts} from './collect-caps.js';
import {netLinks} from './collect-links.js';
import {cgroupLimits} from './collect-cgroup.js';
import {processFacts} from './collect-procs.js';
import {namespacedProcesses, namespacesOf} from './collect-unshared.js';
import {diskUseKb, postgresFacts} from './collect-service.js';
import {fileInfo} from './file-info.js';
import {auditLog} from './collect-audit.js';
import type {ContainerSnapshot, EngineEventRecord, FileInfo, ImageSnapshot, Snapshot} from '../../../graders/snapshot.js';
import type {SnapshotRequest} from './snapshot-request.js';
import {findInLayers, resolveInLayers} from './union-fs.js';
import {engineFacts, registrySnapshot} from './collect-registry.js';

function layerFile(dirs: string[], path: string, contains: string[]): FileInfo {
  const rel = resolveInLayers(dirs, path);
  const found = findInLayers(dirs, rel);
  return found ? {...fileInfo(join(found.dir, rel), contains), path} : {path, exists: false};
}

async function containers(engine: EngineClient, req: SnapshotRequest): Promise<ContainerSnapshot[]> {
  const list = await engine.listContainers({all: true});
  return Promise.all(list.map(async ({Id}) => {
    const c = await engine.inspectContainer(Id);
    const upper = c.GraphDriver.Data.UpperDir;
    const lowers = (c.GraphDriver.Data.LowerDir ?? '').split(':').filter(Boolean);
    const files: ContainerSnapshot['files'] = {};
    for (const p of req.containerPaths) {
      const rel = resolveInLayers([upper, ...lowers], p);
      files[p] = {upper: {...fileInfo(join(upper, rel), req.contains), path: p}, lower: layerFile(lowers, p, req.contains)};
    }
    let logTail: string[] = [];
    try {
      const raw = await engine.containerLogs(Id, {tail: 20});
      logTail = c.Config.Tty ? raw.toString('utf8').split(/\r?\n/).filter(Boolean) : demuxLogs(raw);
    } catch {
      logTail = [];
    }
    const env = c.Config.Env ?? [];
    const ports = Object.entries(c.HostConfig?.PortBindings ?? {}).flatMap(([container, bindings]) =>
      (bindings ?? []).filter((b) => b.HostPort).map((b) => ({container, hostIp: b.HostIp ?? '', hostPort: Number(b.HostPort)})));
    const ipAddresses = [c.NetworkSettings?.IPAddress, ...Object.values(c.NetworkSettings?.Networks ?? {}).map((n) => n.IPAddress)]
      .filter((a, i, all): a is string => Boolean(a) && all.indexOf(a) === i);
    const served = req.postgres && c.State.Running ? ports.find((p) => p.container === '5432/tcp') : undefined;
    return {
      hostname: c.Config.Hostname, envNames: env.map((e) => e.split('=')[0]), ipAddresses, ports,
      mounts: (c.Mounts ?? []).map((m) => ({type: m.Type, ...(m.Name ? {name: m.Name} : {}), source: m.Source, destination: m.Destination})),
      ...(req.sizes && c.Config.Tty && c.Config.OpenStdin ? {diskKb: diskUseKb([upper, ...lowers])} : {}),
      ...(served ? {postgres: postgresFacts(served.hostPort, served.hostIp, env)} : {}),
      id: c.Id, name: c.Name.replace(/^\//, ''), image: c.Image, imageName: c.Config.Image, path: c.Path, args: c.Args, created: c.Created,
      state: {status: c.State.Status, running: c.State.Running, exitCode: c.State.ExitCode, error: c.State.Error, pid: c.State.Pid, startedAt: c.State.StartedAt, finishedAt: c.State.FinishedAt, oomKilled: c.State.OOMKilled},
      upperDir: upper, lowerDirs: lowers, files, logTail,
      tty: Boolean(c.Config.Tty),
      openStdin: Boolean(c.Config.OpenStdin),
      env: c.Config.Env ?? [], labels: c.Config.Labels ?? {}, autoRemove: Boolean(c.HostConfig?.AutoRemove),
      networks: Object.fromEntries(Object.entries(c.NetworkSettings?.Networks ?? {}).map(([name, n]) => [name, {ip: n.IPAddress ?? '', aliases: n.Aliases ?? []}])),
      ...(c.State.Running && c.State.Pid > 0 ? {namespaces: namespacesOf(c.State.Pid)} : {}),
      ...(req.capabilities && c.State.Running && c.State.Pid > 0 ? {...capabilityFacts(c.State.Pid), capsChanged: Boolean(c.HostConfig?.CapAdd?.length || c.HostConfig?.CapDrop?.length || c.HostConfig?.Privileged)} : {}),
      ...(req.cgroups && c.State.Running && c.State.Pid > 0 ? {cgroup: cgroupLimits(c.State.Pid)} : {}),
      ...(req.processes && c.State.Running && c.State.Pid > 0 ? {process: processFacts(c.State.Pid)} : {}),
    };
  }));
}

async function images(engine: EngineClient, req: SnapshotRequest): Promise<ImageSnapshot[]> {
  const list = await engine.listImages({all: true});
  return Promise.all(list.map(async ({Id}) => {
    const i = await engine.inspectImage(Id);
    const history = await engine.imageHistory(Id);
    const data = i.GraphDriver.Data ?? {};
    const topFirst = [data.UpperDir, ...(data.LowerDir ?? '').split(':')].filter((d): d is string => Boolean(d));
    const files: Record<string, FileInfo> = {};
    for (const p of req.imagePaths) files[p] = layerFile(topFirst, p, req.contains);
    return {
      id: i.Id, tags: i.RepoTags ?? [], repoDigests: i.RepoDigests ?? [], parent: i.Parent, created: i.Created, config: i.Config ?? {},
      layerDirs: [...topFirst].reverse(), history: history.reverse().map((h) => ({created_by: h.CreatedBy, empty_layer: h.Size === 0})), files,
    };
  }));
}

export async function collect(req: SnapshotRequest): Promise<Snapshot> {
  const snapshot: Snapshot = {
    takenAt: new Date().toISOString(),
    engine: {reachable: false, images: [], containers: [], events: []},
    host: {namespaces: namespacesOf('self'), files: Object.fromEntries(req.hostFiles.map((p) => [p, fileInfo(p, req.contains)]))},
    ...(req.daemon ? {daemon: await daemonSnapshot(req.daemon)} : {}),
    answers: req.answersFile && existsSync(req.answersFile) ? (JSON.parse(readFileSync(req.answersFile, 'utf8')) as Record<string, string>) : {},
  };
  if (req.dirs) snapshot.host.dirs = Object.fromEntries(req.dirs.map((d) => [d, dirListing(d, req.contains)]));
  if (req.mounts) snapshot.host.overlays = overlayMounts();
  if (req.audit) snapshot.audit = auditLog(req.audit.key);
  if (req.namespacedProcesses) {
    snapshot.host.processes = namespacedProcesses();
    snapshot.host.links = netLinks();
  }
  try {
    // 30 s: an engine in a VM under emulation, busy with a starting postgres, can be silent for longer than 5 s,
    // and a request given up leaves the checks with no containers at all.
    const engine = new EngineClient({socketPath: req.socket}, 30_000);
    await engine.raw('GET', '/_ping');
    snapshot.engine.reachable = true;
    const now = (Date.now() / 1000).toFixed(3);
    snapshot.engine.events = await engine.events<EngineEventRecord>({since: req.since, until: now});
    // What info and version say matters to one step: without it the other checks still see containers and images.
    [snapshot.engine.containers, snapshot.engine.images, snapshot.engine.facts] = await Promise.all([containers(engine, req), images(engine, req), engineFacts(engine).catch(() => undefined)]);
    if (req.registryRepos) snapshot.registry = await registrySnapshot(snapshot.engine.facts?.mirrors[0], req.registryRepos);
  } catch (error) {
    snapshot.engine.error = (error as Error).message;
  }
  return snapshot;
}
