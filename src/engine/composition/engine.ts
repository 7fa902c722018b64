/** The daemon's shared state, handed to every API route: configuration, stores, events, logger. */
import {hostname} from 'node:os';
import type {DaemonConfig} from '../config/daemon-config.js';
import type {ContainerManager} from '../containers/manager.js';
import type {EventBus} from '../events/event-bus.js';
import type {ImageStore} from '../images/image-store.js';
import type {NetworkManager} from '../network/manager.js';
import type {Logger} from '../util/log.js';
import type {VolumeStore} from '../volumes/store.js';

export interface Engine {
  config: DaemonConfig;
  images: ImageStore;
  containers: ContainerManager;
  volumes: VolumeStore;
  network: NetworkManager;
  events: EventBus;
  log: Logger;
  /**
   * A random ID chosen when the data-root was first used (docker info's ID), read when asked: a lab VM resumed
   * from a saved machine is given its own (vm-images/vm/resume-identity.sh) while this engine runs on.
   */
  readonly id: string;
  /** The host's name when asked, as dockerd's info reads it (a resumed VM takes its name after the engine started). */
  readonly name: string;
  startedAt: Date;
  /** Container IDs that use an image; the container side fills this in. */
  containersUsingImage(imageId: string): string[];
}

export const engineVersion = '0.1.0';
export const defaultName = () => hostname();
