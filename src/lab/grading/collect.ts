/**
 * The collector: runs inside the lab environment as root and gathers a Snapshot in one pass — the engine's
 * containers, images and events through its API socket, files and their ELF facts, namespace inodes, and
 * paths looked up in image layers and container upper dirs. One round trip per `lab check`, whatever the provider.
 */
import {existsSync, readFileSync, readlinkSync} from 'node:fs';
import {request} from 'node:http';
import {join} from 'node:path';
import {dirListing, overlayMounts} from './collect-host.js';
import {daemonSnapshot} from './collect-daemon.js';
import {processFacts} from './collect-procs.js';
import {fileInfo} from './file-info.js';
import type {ContainerSnapshot, EngineEventRecord, FileInfo, ImageSnapshot, Snapshot} from '../../../graders/snapshot.js';
import type {SnapshotRequest} from './snapshot-request.js';
import {findInLayers, resolveInLayers} from './union-fs.js';

function api<T>(socket: string, path: string, raw = false): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({socketPath: socket, path, method: 'GET', timeout: 5000}, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if ((res.statusCode ?? 500) >= 400) return reject(new Error(`${path}: ${res.statusCode} ${body.toString()}`));
        resolve((raw ? body : JSON.parse(body.toString('utf8') || 'null')) as T);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${path}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

function layerFile(dirs: string[], path: string, contains: string[]): FileInfo {
  const rel = resolveInLayers(dirs, path);
  const found = findInLayers(dirs, rel);
  return found ? {...fileInfo(join(found.dir, rel), contains), path} : {path, exists: false};
}

function namespaces(pid: number | 'self'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ns of ['pid', 'mnt', 'uts', 'ipc', 'net', 'cgroup', 'user']) {
    try {
      out[ns] = readlinkSync(`/proc/${pid}/ns/${ns}`);
    } catch {
      // process gone or namespace kind missing
    }
  }
  return out;
}

/** Docker's multiplexed log stream → lines. */
function demux(buf: Buffer): string[] {
  const parts: string[] = [];
  for (let o = 0; o + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(o + 4);
    parts.push(buf.subarray(o + 8, o + 8 + len).toString('utf8'));
    o += 8 + len;
  }
  return parts.join('').split('\n').filter((l) => l !== '');
}

interface InspectedContainer {
  Id: string; Name: string; Image: string; Path: string; Args: string[]; Created: string;
  Config: {Image: string; Tty?: boolean};
  State: {Status: string; Running: boolean; ExitCode: number; Error: string; Pid: number; StartedAt: string; FinishedAt: string; OOMKilled: boolean};
  GraphDriver: {Data: {UpperDir: string; LowerDir?: string}};
}

async function containers(req: SnapshotRequest): Promise<ContainerSnapshot[]> {
  const list = await api<Array<{Id: string}>>(req.socket, '/containers/json?all=1');
  return Promise.all(list.map(async ({Id}) => {
    const c = await api<InspectedContainer>(req.socket, `/containers/${Id}/json`);
    const upper = c.GraphDriver.Data.UpperDir;
    const lowers = (c.GraphDriver.Data.LowerDir ?? '').split(':').filter(Boolean);
    const files: ContainerSnapshot['files'] = {};
    for (const p of req.containerPaths) {
      const rel = resolveInLayers([upper, ...lowers], p);
      files[p] = {upper: {...fileInfo(join(upper, rel), req.contains), path: p}, lower: layerFile(lowers, p, req.contains)};
    }
    let logTail: string[] = [];
    try {
      const raw = await api<Buffer>(req.socket, `/containers/${Id}/logs?stdout=1&stderr=1&tail=20`, true);
      logTail = c.Config.Tty ? raw.toString('utf8').split(/\r?\n/).filter(Boolean) : demux(raw);
    } catch {
      logTail = [];
    }
    return {
      id: c.Id, name: c.Name.replace(/^\//, ''), image: c.Image, imageName: c.Config.Image, path: c.Path, args: c.Args, created: c.Created,
      state: {status: c.State.Status, running: c.State.Running, exitCode: c.State.ExitCode, error: c.State.Error, pid: c.State.Pid, startedAt: c.State.StartedAt, finishedAt: c.State.FinishedAt, oomKilled: c.State.OOMKilled},
      upperDir: upper, lowerDirs: lowers, files, logTail,
      tty: Boolean(c.Config.Tty),
      ...(c.State.Running && c.State.Pid > 0 ? {namespaces: namespaces(c.State.Pid)} : {}),
      ...(req.processes && c.State.Running && c.State.Pid > 0 ? {process: processFacts(c.State.Pid)} : {}),
    };
  }));
}

interface InspectedImage {
  Id: string; RepoTags: string[]; Parent: string; Created: string;
  Config: ImageSnapshot['config'] | null;
  GraphDriver: {Data: {UpperDir?: string; LowerDir?: string} | null};
}

async function images(req: SnapshotRequest): Promise<ImageSnapshot[]> {
  const list = await api<Array<{Id: string}>>(req.socket, '/images/json?all=1');
  return Promise.all(list.map(async ({Id}) => {
    const i = await api<InspectedImage>(req.socket, `/images/${Id}/json`);
    const history = await api<Array<{CreatedBy: string; Size: number}>>(req.socket, `/images/${Id}/history`);
    const data = i.GraphDriver.Data ?? {};
    const topFirst = [data.UpperDir, ...(data.LowerDir ?? '').split(':')].filter((d): d is string => Boolean(d));
    const files: Record<string, FileInfo> = {};
    for (const p of req.imagePaths) files[p] = layerFile(topFirst, p, req.contains);
    return {
      id: i.Id, tags: i.RepoTags ?? [], parent: i.Parent, created: i.Created, config: i.Config ?? {},
      layerDirs: [...topFirst].reverse(), history: history.reverse().map((h) => ({created_by: h.CreatedBy, empty_layer: h.Size === 0})), files,
    };
  }));
}

export async function collect(req: SnapshotRequest): Promise<Snapshot> {
  const snapshot: Snapshot = {
    takenAt: new Date().toISOString(),
    engine: {reachable: false, images: [], containers: [], events: []},
    host: {namespaces: namespaces('self'), files: Object.fromEntries(req.hostFiles.map((p) => [p, fileInfo(p, req.contains)]))},
    ...(req.daemon ? {daemon: await daemonSnapshot(req.daemon)} : {}),
    answers: req.answersFile && existsSync(req.answersFile) ? (JSON.parse(readFileSync(req.answersFile, 'utf8')) as Record<string, string>) : {},
  };
  if (req.dirs) snapshot.host.dirs = Object.fromEntries(req.dirs.map((d) => [d, dirListing(d, req.contains)]));
  if (req.mounts) snapshot.host.overlays = overlayMounts();
  try {
    await api(req.socket, '/_ping', true);
    snapshot.engine.reachable = true;
    const now = (Date.now() / 1000).toFixed(3);
    const events = (await api<Buffer>(req.socket, `/events?since=${req.since}&until=${now}`, true)).toString('utf8');
    snapshot.engine.events = events.split('\n').filter(Boolean).map((l) => JSON.parse(l) as EngineEventRecord);
    [snapshot.engine.containers, snapshot.engine.images] = await Promise.all([containers(req), images(req)]);
  } catch (error) {
    snapshot.engine.error = (error as Error).message;
  }
  return snapshot;
}
