/** `docker create`: the request's config merged with the image's, checked, and a new container layer. */
import {randomBytes} from '../util/random.js';
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {invalidArgument} from '../errors.js';
import {checkHostConfig} from '../runtime/resources.js';
import {chainIds} from '../images/digest.js';
import type {ImageRecord, ImageStore} from '../images/image-store.js';
import type {ContainerStore} from './container-store.js';
import {emit, type ContainerContext} from './context.js';
import {mergeEnv} from './env.js';
import {mergeHealthcheck, type HealthConfig} from './health.js';
import {withHostConfigDefaults} from './host-config-defaults.js';
import {logConfigError, mergeLogConfig} from './log-config.js';
import {checkName, generateName} from './names.js';
import {initialState} from './record.js';
import type {ContainerRecord, CreateConfig, HostConfig} from '../model/container.js';
import type {EndpointConfig} from '../model/network-settings.js';
import {checkRestartPolicy} from './restart-policy.js';
import {createRwLayer} from './rw-layer.js';

export interface CreateRequest extends CreateConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: {EndpointsConfig?: Record<string, EndpointConfig | null> | null} | null;
}

/** Docker's rule: an entrypoint given with the container drops the image's CMD as well. */
export function mergeConfig(image: ImageRecord, req: CreateRequest): CreateConfig {
  const img = image.config.config ?? {};
  const merged: CreateConfig = {...req};
  delete (merged as Record<string, unknown>).HostConfig;
  delete (merged as Record<string, unknown>).NetworkingConfig;
  const entrypointGiven = Array.isArray(req.Entrypoint) && req.Entrypoint.length > 0;
  const ownCmd = req.Cmd && req.Cmd.length > 0 ? req.Cmd : null;
  if (entrypointGiven) {
    const cleared = req.Entrypoint!.length === 1 && req.Entrypoint![0] === '';
    merged.Entrypoint = cleared ? null : req.Entrypoint!;
    merged.Cmd = ownCmd;
  } else {
    merged.Entrypoint = img.Entrypoint ?? null;
    merged.Cmd = ownCmd ?? img.Cmd ?? null;
  }
  const env = mergeEnv(img.Env, req.Env ?? []);
  // dockerd keeps null for an empty list (an imported image run without -e): inspect shows it as such.
  merged.Env = env.length > 0 ? env : (null as unknown as string[]);
  merged.WorkingDir = req.WorkingDir || img.WorkingDir || '';
  merged.User = req.User || img.User || '';
  merged.Labels = {...(img.Labels ?? {}), ...(req.Labels ?? {})};
  merged.StopSignal = req.StopSignal || img.StopSignal || undefined;
  const ports = {...(img.ExposedPorts ?? {}), ...(req.ExposedPorts ?? {})};
  // omitempty in dockerd's type: no ports, no key.
  if (Object.keys(ports).length > 0) merged.ExposedPorts = ports;
  else delete merged.ExposedPorts;
  const volumes = {...(img.Volumes ?? {}), ...(req.Volumes ?? {})};
  // dockerd leaves an empty list null, but makes an empty map for an image without any config.
  merged.Volumes = Object.keys(volumes).length > 0 || !image.config.config ? volumes : null;
  merged.OnBuild = null;
  merged.Healthcheck = mergeHealthcheck(img.Healthcheck as HealthConfig | undefined, req.Healthcheck as HealthConfig | undefined);
  if (!merged.Healthcheck) delete merged.Healthcheck;
  if (req.WorkingDir && !req.WorkingDir.startsWith('/')) throw invalidArgument(`the working directory '${req.WorkingDir}' is invalid, it needs to be an absolute path`);
  return merged;
}

export function createContainer(images: ImageStore, containers: ContainerStore, req: CreateRequest, name: string | null): ContainerRecord {
  if (!req.Image) throw invalidArgument('Config.Image is required: which image should the container run?');
  const image = images.resolve(req.Image);
  const config = mergeConfig(image, req);
  const command = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (command.length === 0) throw invalidArgument('No command specified');
  const finalName = name ? checkName(name) : generateName((n) => containers.byName(n) !== undefined);
  containers.claimName(finalName, '');
  const id = randomBytes(32).toString('hex');
  const dir = containers.dir(id);
  mkdirSync(dir, {recursive: true, mode: 0o710});
  const top = chainIds(image.config.rootfs.diff_ids).at(-1);
  const layer = createRwLayer(images.layers, id, top);
  const record: ContainerRecord = {
    ID: id,
    Created: new Date().toISOString(),
    Path: command[0],
    Args: command.slice(1),
    Config: {...config, Image: req.Image, Hostname: req.Hostname || id.slice(0, 12), Domainname: req.Domainname ?? ''},
    HostConfig: withHostConfigDefaults({NetworkMode: 'default', ...req.HostConfig}),
    Image: image.id,
    Name: `/${finalName}`,
    State: initialState(),
    RestartCount: 0,
    MountID: layer.mountId,
    ShimPid: 0,
    // The none driver writes nothing, and Docker shows no path for it.
    LogPath: req.HostConfig?.LogConfig?.Type === 'none' ? '' : join(dir, `${id}-json.log`),
    HostnamePath: join(dir, 'hostname'),
    HostsPath: join(dir, 'hosts'),
    ResolvConfPath: join(dir, 'resolv.conf'),
    Driver: 'overlay2',
    Platform: 'linux',
  };
  for (const f of [record.HostnamePath, record.HostsPath, record.ResolvConfPath]) writeFileSync(f, '');
  // Saved by the caller once the rest of the request (volumes) is applied.
  return record;
}

/** "db:alias" → "/db:/me/alias", as dockerd stores HostConfig.Links. */
function canonicalLink(link: string, me: string): string {
  const [other, alias] = link.split(':');
  const o = other.startsWith('/') ? other : `/${other}`;
  const a = alias ?? other.replace(/^\//, '');
  return `${o}:${a.startsWith('/') ? a : `${me}/${a}`}`;
}

/** The `create` verb: the request checked (limits, restart policy, log driver, volumes, network), then the record. */
export function create(ctx: ContainerContext, req: CreateRequest, name: string | null): ContainerRecord {
  checkHostConfig(req.HostConfig ?? {});
  checkRestartPolicy(req.HostConfig ?? {});
  const logConfig = mergeLogConfig(req.HostConfig?.LogConfig, ctx.logConfig);
  const logProblem = logConfigError(logConfig.Type, logConfig.Config);
  if (logProblem) throw invalidArgument(logProblem);
  req = {...req, HostConfig: {...req.HostConfig, LogConfig: logConfig}};
  ctx.volumes.check(req);
  const endpoints = ctx.network?.checkCreate(req.HostConfig, req.NetworkingConfig?.EndpointsConfig ?? undefined);
  const c = createContainer(ctx.images, ctx.store, req, name);
  if (endpoints) c.EndpointsConfig = endpoints;
  if (c.HostConfig.Links) c.HostConfig.Links = c.HostConfig.Links.map((l) => canonicalLink(l, c.Name));
  ctx.volumes.attach(c);
  ctx.store.save(c);
  emit(ctx, c, 'create');
  return c;
}
