/**
 * What a container asked to have mounted, from the three ways the docker CLI says it: `-v` (HostConfig.Binds,
 * or Config.Volumes for a bare `-v /path`), `--mount` (HostConfig.Mounts) and the image's VOLUME entries.
 * Parsing only checks syntax, with Docker's messages; volumes are created and sources checked elsewhere.
 */
import {posix} from 'node:path';
import {invalidArgument} from '../errors.js';
import {checkVolumeName} from './store.js';
import type {MountPoint} from '../model/mount-point.js';

/** A request before volumes are resolved: a volume without a name is anonymous. */
export type MountRequest = MountPoint & {Anonymous?: boolean; VolumeLabels?: Record<string, string>};

const propagations = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];
const ignoredModes = ['z', 'Z', 'consistent', 'cached', 'delegated'];

/** The subset of HostConfig.Mounts[] the CLI sends for `--mount`. */
export interface ApiMount {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  BindOptions?: {Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean} | null;
  VolumeOptions?: {NoCopy?: boolean; Labels?: Record<string, string> | null; DriverConfig?: {Name?: string; Options?: Record<string, string> | null} | null; Subpath?: string} | null;
  TmpfsOptions?: {SizeBytes?: number; Mode?: number} | null;
}

function checkDestination(spec: string, dest: string, type: string): string {
  if (!dest.startsWith('/')) throw invalidArgument(`invalid volume specification: '${spec}': invalid mount config for type "${type}": invalid mount path: '${dest}' mount path must be absolute`);
  const clean = posix.normalize(dest).replace(/(.)\/$/, '$1');
  if (clean === '/') throw invalidArgument(`invalid specification: destination can't be '/' in '${spec}'`);
  return clean;
}

/** `-v src:dst[:mode]`: an absolute src is a bind, anything else a volume name. */
export function parseBind(spec: string): MountRequest {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p, i) => p === '' && i < 2)) throw invalidArgument(`invalid volume specification: '${spec}'`);
  const [source, target, mode = ''] = parts;
  const isBind = source.startsWith('/');
  const type = isBind ? 'bind' : 'volume';
  const destination = checkDestination(spec, target, type);
  let rw = true;
  let propagation = '';
  let copy = true;
  for (const m of mode.split(',').filter(Boolean)) {
    if (m === 'ro' || m === 'rw') rw = m === 'rw';
    else if (propagations.includes(m) && isBind) propagation = m;
    else if (m === 'nocopy' && !isBind) copy = false;
    else if (!ignoredModes.includes(m)) throw invalidArgument(`invalid mode: ${mode}`);
  }
  if (!isBind) checkVolumeName(source);
  return {
    Type: type,
    Name: isBind ? '' : source,
    Source: isBind ? posix.normalize(source) : '',
    Destination: destination,
    Driver: isBind ? '' : 'local',
    RW: rw,
    // Docker shows a volume given without a mode as "z".
    Mode: mode || (isBind ? '' : 'z'),
    Propagation: isBind ? propagation || 'rprivate' : '',
    ...(isBind ? {CreateSource: true} : {CopyData: copy}),
  };
}

/** `--mount type=...,source=...,target=...`: Docker's validation, with its words. */
export function parseApiMount(m: ApiMount): MountRequest {
  const type = m.Type ?? '';
  const bad = (why: string) => invalidArgument(`invalid mount config for type "${type}": ${why}`);
  if (!m.Target) throw bad('field Target must not be empty');
  const destination = checkDestination(`${m.Source ?? ''}:${m.Target}`, m.Target, type);
  const rw = !m.ReadOnly;
  if (type === 'bind') {
    if (!m.Source) throw bad('field Source must not be empty');
    if (!m.Source.startsWith('/')) throw bad(`invalid mount path: '${m.Source}' mount path must be absolute`);
    if (m.VolumeOptions || m.TmpfsOptions) throw bad('field VolumeOptions and TmpfsOptions must not be specified');
    const propagation = m.BindOptions?.Propagation || 'rprivate';
    if (!propagations.includes(propagation)) throw bad(`invalid propagation mode: ${propagation}`);
    return {
      Type: 'bind', Name: '', Source: posix.normalize(m.Source), Destination: destination, Driver: '', RW: rw, Mode: '', Propagation: propagation,
      NonRecursive: Boolean(m.BindOptions?.NonRecursive), CreateSource: Boolean(m.BindOptions?.CreateMountpoint),
    };
  }
  if (type === 'volume') {
    if (m.BindOptions || m.TmpfsOptions) throw bad('field BindOptions and TmpfsOptions must not be specified');
    const driver = m.VolumeOptions?.DriverConfig?.Name || 'local';
    if (driver !== 'local') throw bad(`volume driver "${driver}" is not available in this lab engine`);
    if (m.VolumeOptions?.Subpath) throw bad('volume subpaths are not supported by this lab engine');
    if (m.Source) checkVolumeName(m.Source);
    return {
      Type: 'volume', Name: m.Source ?? '', Source: '', Destination: destination, Driver: 'local', RW: rw, Mode: '', Propagation: '',
      CopyData: !m.VolumeOptions?.NoCopy, Anonymous: !m.Source, VolumeLabels: m.VolumeOptions?.Labels ?? undefined,
    };
  }
  if (type === 'tmpfs') {
    if (m.Source) throw bad('field Source must not be specified');
    if (m.BindOptions || m.VolumeOptions) throw bad('field BindOptions and VolumeOptions must not be specified');
    const options: string[] = [];
    if (m.TmpfsOptions?.SizeBytes) {
      if (m.TmpfsOptions.SizeBytes < 0) throw bad('invalid tmpfs size');
      options.push(`size=${m.TmpfsOptions.SizeBytes}`);
    }
    if (m.TmpfsOptions?.Mode) options.push(`mode=${m.TmpfsOptions.Mode.toString(8)}`);
    return {Type: 'tmpfs', Name: '', Source: '', Destination: destination, Driver: '', RW: rw, Mode: '', Propagation: '', TmpfsOptions: options};
  }
  throw invalidArgument(`mount type "${type}" is not supported by this lab engine (bind, volume and tmpfs are)`);
}

/**
 * Every mount a create request asks for, in Docker's precedence: --mount and -v first, then the bare `-v /path`
 * and image VOLUME entries as anonymous volumes where nothing else is mounted. Two explicit mounts at one place are an error.
 */
export function mountRequests(hostConfig: {Binds?: string[] | null; Mounts?: ApiMount[] | null; Tmpfs?: Record<string, string> | null}, volumes: Record<string, unknown> | null | undefined): MountRequest[] {
  const out: MountRequest[] = [];
  const taken = new Set<string>(Object.keys(hostConfig.Tmpfs ?? {}).map((p) => posix.normalize(p)));
  const add = (m: MountRequest) => {
    if (taken.has(m.Destination)) throw invalidArgument(`Duplicate mount point: ${m.Destination}`);
    taken.add(m.Destination);
    out.push(m);
  };
  for (const m of hostConfig.Mounts ?? []) add(parseApiMount(m));
  for (const b of hostConfig.Binds ?? []) add(parseBind(b));
  for (const path of Object.keys(volumes ?? {})) {
    const destination = checkDestination(path, path, 'volume');
    if (taken.has(destination)) continue;
    taken.add(destination);
    out.push({Type: 'volume', Name: '', Source: '', Destination: destination, Driver: 'local', RW: true, Mode: '', Propagation: '', CopyData: true, Anonymous: true});
  }
  return out;
}

/** What `docker inspect` shows in Mounts[] for one mount point. */
export function inspectMount(m: MountPoint): Record<string, unknown> {
  if (m.Type === 'volume') return {Type: 'volume', Name: m.Name, Source: m.Source, Destination: m.Destination, Driver: m.Driver, Mode: m.Mode, RW: m.RW, Propagation: m.Propagation};
  return {Type: m.Type, Source: m.Source, Destination: m.Destination, Mode: m.Mode, RW: m.RW, Propagation: m.Propagation};
}
