/**
 * What the container verbs (one file each: create.ts, start.ts, stop.ts...) share: the stores and services a
 * container's lifecycle touches, and the few verbs that others call (a failed start removes a --rm container,
 * stop kills, kill thaws). The manager builds one and hands it to every verb.
 */
import type {EventBus} from '../events/event-bus.js';
import type {ImageStore} from '../images/image-store.js';
import type {NetworkManager} from '../network/manager.js';
import type {OciRuntime} from '../runtime/oci-runtime.js';
import type {Logger} from '../util/log.js';
import type {ContainerVolumes} from '../volumes/container-volumes.js';
import type {AttachHub} from './attach-hub.js';
import type {ContainerStore} from './container-store.js';
import type {HealthMonitor} from './health.js';
import type {RuntimePaths} from './launch.js';
import type {LogConfig} from './log-config.js';
import type {ContainerRecord} from '../model/container.js';
import type {Restarts} from './restarts.js';
import type {ExitWaiters} from './wait.js';

export interface RemoveOptions {
  force: boolean;
  /** `rm -v`: the container's anonymous volumes go too, as a --rm container's do. */
  volumes?: boolean;
}

export interface ContainerContext {
  readonly store: ContainerStore;
  readonly images: ImageStore;
  readonly events: EventBus;
  readonly log: Logger;
  readonly runtime: OciRuntime;
  readonly paths: RuntimePaths;
  readonly attach: AttachHub;
  readonly volumes: ContainerVolumes;
  /** Unset: containers get the runtime's empty network namespace (only lo). */
  readonly network?: NetworkManager;
  readonly restarts: Restarts;
  readonly health: HealthMonitor;
  readonly waiters: ExitWaiters;
  /** Removals under way, by container ID: a second `rm` of the same container joins the first. */
  readonly removals: Map<string, Promise<void>>;
  /** The daemon's default log driver and options. */
  readonly logConfig: LogConfig;
  start(ref: string, byPolicy?: boolean): Promise<'started' | 'already'>;
  kill(ref: string, signal?: string): Promise<void>;
  unpause(ref: string): Promise<void>;
  remove(ref: string, opts: RemoveOptions): Promise<void>;
}

/** A container event, with the attributes dockerd gives every one: the container's labels (its image's among them), image and name. */
export function emit(ctx: ContainerContext, c: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
  ctx.events.emit('container', action, c.ID, {...(c.Config.Labels ?? {}), image: c.Config.Image ?? c.Image, name: c.Name.slice(1), ...extra});
}
