/** What the API shows of a container: `docker ps` rows, `docker inspect`, and the Status words users read. */
import {join} from 'node:path';
import type {LayerStore} from '../images/layer-store.js';
import {containerNetworkSettings, containerPorts} from '../network/views.js';
import {mountPointsOf} from '../volumes/container-volumes.js';
import {inspectMount} from '../volumes/mount-point.js';
import {recordLogConfig} from './log-config.js';
import type {ContainerRecord} from '../model/container.js';
import {rwLayerPaths} from './rw-layer.js';

/** Docker's go-units HumanDuration: "Less than a second", "About a minute", "3 hours"... */
export function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.round(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.round(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.round(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.round(h / 24 / 30)} months`;
  return `${Math.round(h / 24 / 365)} years`;
}

export function statusText(c: ContainerRecord, now = Date.now()): string {
  const s = c.State;
  if (s.Running) {
    const health = s.Health ? (s.Health.Status === 'starting' ? ' (health: starting)' : ` (${s.Health.Status})`) : '';
    return `Up ${humanDuration(now - Date.parse(s.StartedAt))}${s.Paused ? ' (Paused)' : health}`;
  }
  if (s.Restarting) return `Restarting (${s.ExitCode}) ${humanDuration(now - Date.parse(s.FinishedAt))} ago`;
  if (s.Status === 'created') return 'Created';
  if (s.Status === 'removing') return 'Removal In Progress';
  if (s.Status === 'dead') return 'Dead';
  return `Exited (${s.ExitCode}) ${humanDuration(now - Date.parse(s.FinishedAt))} ago`;
}

export function summary(c: ContainerRecord) {
  return {
    Id: c.ID,
    Names: [c.Name],
    Image: c.Config.Image ?? c.Image,
    ImageID: c.Image,
    Command: [c.Path, ...c.Args].join(' '),
    Created: Math.floor(Date.parse(c.Created) / 1000),
    Ports: containerPorts(c),
    Labels: c.Config.Labels ?? {},
    State: c.State.Status,
    Status: statusText(c),
    HostConfig: {NetworkMode: c.HostConfig.NetworkMode ?? 'default'},
    // The list comes from dockerd's container view, which keeps no endpoint aliases: null there, shown by inspect.
    NetworkSettings: {Networks: Object.fromEntries(Object.entries(containerNetworkSettings(c).Networks ?? {}).map(([name, e]) => [name, {...e, Aliases: null}]))},
    Mounts: mountPointsOf(c).map(inspectMount),
  };
}

export function inspect(c: ContainerRecord, layers: LayerStore) {
  const rw = rwLayerPaths(layers, c.MountID);
  const lowers = rw.lower.split(':').map((l) => join(layers.driverRoot, l.replace(/^l\//, 'l/')));
  return {
    Id: c.ID,
    Created: c.Created,
    Path: c.Path,
    Args: c.Args,
    State: c.State,
    Image: c.Image,
    ResolvConfPath: c.ResolvConfPath,
    HostnamePath: c.HostnamePath,
    HostsPath: c.HostsPath,
    LogPath: c.LogPath,
    Name: c.Name,
    RestartCount: c.RestartCount,
    Driver: c.Driver,
    Platform: c.Platform,
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: {...c.HostConfig, LogConfig: recordLogConfig(c.HostConfig)},
    GraphDriver: {
      Name: 'overlay2',
      Data: {LowerDir: lowers.join(':'), MergedDir: rw.merged, UpperDir: rw.upper, WorkDir: rw.work},
    },
    Mounts: mountPointsOf(c).map(inspectMount),
    Config: c.Config,
    NetworkSettings: containerNetworkSettings(c),
  };
}
