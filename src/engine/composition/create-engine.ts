/** The composition root: the stores built from the configuration, each handed what it needs of the others. */
import {randomUUID} from '../util/random.js';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {ConfigError, type DaemonConfig} from '../config/daemon-config.js';
import {ContainerManager} from '../containers/manager.js';
import {containerLayerUse} from '../containers/rw-layer.js';
import {EventBus} from '../events/event-bus.js';
import {ImageStore} from '../images/image-store.js';
import {NetworkManager} from '../network/manager.js';
import type {Logger} from '../util/log.js';
import {ContainerVolumes, volumeUsers} from '../volumes/container-volumes.js';
import {VolumeStore} from '../volumes/store.js';
import {defaultName, type Engine} from './engine.js';

function engineId(dataRoot: string): string {
  const path = join(dataRoot, 'engine-id');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const id = randomUUID();
  writeFileSync(path, id);
  return id;
}

/** Builds the stores, finds the containers of a previous run again, and starts those a restart policy brings back. */
export async function createEngine(config: DaemonConfig, log: Logger): Promise<Engine> {
  mkdirSync(config.execRoot, {recursive: true, mode: 0o700});
  // Image pruning, start-up repair and volume removal ask the containers what is theirs; by then `containers` is set.
  const images: ImageStore = new ImageStore(config.dataRoot, () => containerLayerUse(images.layers, containers.store.all().map((c) => c.ID)));
  const events = new EventBus();
  // As dockerd: an image event carries the image's labels.
  events.describeActors('image', (id) => images.get(id)?.config.config?.Labels ?? undefined);
  const volumes: VolumeStore = new VolumeStore(config.dataRoot, (name) => volumeUsers(containers.store.all(), name));
  const guard = {dataRoot: config.dataRoot, execRoot: config.execRoot, allowDangerousBinds: config.allowDangerousBinds};
  const network = new NetworkManager({dataRoot: config.dataRoot, ...config.network}, log);
  try {
    await network.init();
  } catch (error) {
    throw new ConfigError(`Error initializing network controller: ${(error as Error).message}`);
  }
  const containers = new ContainerManager(images, events, log, config.dataRoot, {execRoot: config.execRoot, cgroupParent: config.cgroupParent, logConfig: config.logConfig, seccomp: config.seccompProfile}, new ContainerVolumes(volumes, events, log, guard), network);
  network.containers = () => containers.store.all();
  const engine: Engine = {
    config, images, log, events, containers, volumes, network,
    get id() {
      return engineId(config.dataRoot);
    },
    get name() {
      return defaultName();
    },
    startedAt: new Date(),
    containersUsingImage: (id) => containers.usingImage(id),
  };
  await containers.restore();
  await network.reconcile(containers.store.all());
  // Once networks are ready: --restart always / unless-stopped containers come back with the daemon.
  void containers.startByPolicy();
  // After the containers are known, so their layers count as in use.
  const recovered = images.recover();
  if (recovered.removedLayers > 0) log.info(`removed ${recovered.removedLayers} layer(s) left by an interrupted operation`);
  return engine;
}
