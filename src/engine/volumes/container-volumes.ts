/**
 * The containers' side of volumes: checking a create request's mounts, giving a new container its mount
 * points (creating named and anonymous volumes on first use, as Docker does at create), and letting go of
 * them when the container is removed (`rm -v` and `--rm` take its anonymous volumes along).
 */
import {existsSync} from 'node:fs';
import {invalidArgument} from '../errors.js';
import type {ContainerRecord, HostConfig} from '../model/container.js';
import type {EventBus} from '../events/event-bus.js';
import type {Logger} from '../util/log.js';
import {checkBindSource, type BindGuard} from './bind-guard.js';
import {mountRequests, type ApiMount, type MountRequest} from './mount-point.js';
import type {MountPoint} from '../model/mount-point.js';
import type {VolumeStore} from './store.js';

type MountsHostConfig = HostConfig & {Mounts?: ApiMount[] | null; Tmpfs?: Record<string, string> | null};

function requestsOf(hostConfig: HostConfig | undefined, volumes: Record<string, unknown> | null | undefined): MountRequest[] {
  return mountRequests((hostConfig ?? {}) as MountsHostConfig, volumes);
}

export function mountPointsOf(c: ContainerRecord): MountPoint[] {
  return Object.values(c.MountPoints ?? {});
}

/** IDs of the containers among `containers` that mount the named volume. */
export function volumeUsers(containers: ContainerRecord[], name: string): string[] {
  return containers.filter((c) => mountPointsOf(c).some((m) => m.Type === 'volume' && m.Name === name)).map((c) => c.ID);
}

export class ContainerVolumes {
  constructor(
    readonly store: VolumeStore,
    private readonly events: EventBus,
    private readonly log: Logger,
    private readonly guard: BindGuard,
  ) {}

  /** Before anything is created: syntax, names and refused binds, so a bad `-v` leaves nothing behind. */
  check(req: {HostConfig?: HostConfig; Volumes?: Record<string, unknown> | null}): void {
    for (const m of requestsOf(req.HostConfig, req.Volumes)) {
      if (m.Type !== 'bind') continue;
      checkBindSource(m.Source, this.guard);
      if (!m.CreateSource && !existsSync(m.Source)) throw invalidArgument(`invalid mount config for type "bind": bind source path does not exist: ${m.Source}`);
    }
  }

  /** Again at every start: a symlink may have been repointed since create, or the daemon's opt-in withdrawn. */
  recheck(c: ContainerRecord): void {
    for (const m of mountPointsOf(c)) if (m.Type === 'bind') checkBindSource(m.Source, this.guard);
  }

  /** The new container's mount points (Config.Volumes by now includes the image's VOLUME entries). */
  attach(c: ContainerRecord): void {
    const points: Record<string, MountPoint> = {};
    for (const req of requestsOf(c.HostConfig, c.Config.Volumes)) {
      const {Anonymous, VolumeLabels, ...point} = req;
      if (point.Type === 'volume') {
        const {volume, created} = this.store.create({name: point.Name || undefined, labels: VolumeLabels, anonymous: Anonymous});
        if (created) this.events.emit('volume', 'create', volume.Name, {driver: 'local'});
        point.Name = volume.Name;
        point.Source = volume.Mountpoint;
      }
      points[point.Destination] = point;
    }
    c.MountPoints = points;
  }

  /** After the container is gone: with `removeAnonymous`, its anonymous volumes that no one else uses go too. */
  release(c: ContainerRecord, removeAnonymous: boolean): void {
    if (!removeAnonymous) return;
    for (const m of mountPointsOf(c)) {
      if (m.Type !== 'volume' || !this.store.isAnonymous(m.Name)) continue;
      if (this.store.usersOf(m.Name).some((id) => id !== c.ID)) continue;
      try {
        this.store.remove(m.Name);
        this.events.emit('volume', 'destroy', m.Name, {driver: 'local'});
      } catch (error) {
        this.log.warn('could not remove an anonymous volume', {volume: m.Name, error: (error as Error).message});
      }
    }
  }
}
