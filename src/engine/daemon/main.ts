/** labd's entry point: configuration, the stores, the API listeners, and an orderly shutdown. */
import {randomUUID} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {Router} from '../api/router.js';
import {buildRoutes} from '../api/routes/build.js';
import {containerArchiveRoutes} from '../api/routes/container-archive.js';
import {containerIoRoutes} from '../api/routes/container-io.js';
import {systemDfRoutes} from '../api/routes/system-df.js';
import {containerStatsRoutes} from '../api/routes/container-stats.js';
import {containerRoutes} from '../api/routes/containers.js';
import {execRoutes} from '../api/routes/exec.js';
import {imageRoutes} from '../api/routes/images.js';
import {networkRoutes} from '../api/routes/networks.js';
import {systemRoutes} from '../api/routes/system.js';
import {volumeRoutes} from '../api/routes/volumes.js';
import {listen, type Listener} from '../api/server.js';
import {ConfigError, resolveConfig, type DaemonConfig} from '../config/daemon-config.js';
import {parseDaemonFlags, usage} from '../config/flags.js';
import {ContainerManager} from '../containers/manager.js';
import {EventBus} from '../events/event-bus.js';
import {ImageStore} from '../images/image-store.js';
import {NetworkManager} from '../network/manager.js';
import {createLogger} from '../util/log.js';
import {ContainerVolumes} from '../volumes/container-volumes.js';
import {VolumeStore} from '../volumes/store.js';
import {defaultName, engineVersion, type Engine} from './engine.js';
import {processAlive} from '../../common/process-alive.js';

function claimPidfile(path: string): void {
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (pid > 0 && pid !== process.pid && processAlive(pid)) {
      throw new ConfigError(`pid file found, ensure the engine is not running or delete ${path} (process ${pid} is alive)`);
    }
  }
  mkdirSync(dirname(path), {recursive: true});
  writeFileSync(path, String(process.pid));
}

function engineId(dataRoot: string): string {
  const path = join(dataRoot, 'engine-id');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const id = randomUUID();
  writeFileSync(path, id);
  return id;
}

export async function startEngine(config: DaemonConfig): Promise<{engine: Engine; listeners: Listener[]; stop: () => Promise<void>}> {
  const log = createLogger(config.logLevel);
  if (process.getuid?.() !== 0) throw new ConfigError('labd needs root: it mounts overlay filesystems and creates namespaces');
  claimPidfile(config.pidfile);
  mkdirSync(config.execRoot, {recursive: true, mode: 0o700});
  const images = new ImageStore(config.dataRoot);
  const events = new EventBus();
  const volumes = new VolumeStore(config.dataRoot);
  const guard = {dataRoot: config.dataRoot, execRoot: config.execRoot, allowDangerousBinds: config.allowDangerousBinds};
  const network = new NetworkManager({dataRoot: config.dataRoot, ...config.network}, log);
  try {
    await network.init();
  } catch (error) {
    rmSync(config.pidfile, {force: true});
    throw new ConfigError(`Error initializing network controller: ${(error as Error).message}`);
  }
  const containers = new ContainerManager(images, events, log, config.dataRoot, {execRoot: config.execRoot, cgroupParent: config.cgroupParent, logConfig: config.logConfig, seccomp: config.seccompProfile}, new ContainerVolumes(volumes, events, log, guard), network);
  const engine: Engine = {
    config, images, log, events, containers, volumes, network,
    id: engineId(config.dataRoot),
    name: defaultName(),
    startedAt: new Date(),
    containersUsingImage: (id) => containers.usingImage(id),
  };
  containers.restore();
  await network.reconcile(containers.store.all());
  // Once networks are ready: --restart always / unless-stopped containers come back with the daemon.
  void containers.startByPolicy();
  // After the containers are known, so their layers count as in use.
  const recovered = images.recover();
  if (recovered.removedLayers > 0) log.info(`removed ${recovered.removedLayers} layer(s) left by an interrupted operation`);
  const router = new Router();
  systemRoutes(router, engine);
  imageRoutes(router, engine);
  buildRoutes(router, engine);
  containerRoutes(router, engine);
  containerIoRoutes(router, engine);
  containerArchiveRoutes(router, engine);
  systemDfRoutes(router, engine);
  execRoutes(router, engine);
  containerStatsRoutes(router, engine);
  volumeRoutes(router, engine);
  networkRoutes(router, engine);
  let listeners: Listener[];
  try {
    listeners = await listen(config, router, log);
  } catch (error) {
    rmSync(config.pidfile, {force: true});
    throw error;
  }
  log.info('Daemon has completed initialization', {version: engineVersion, dataRoot: config.dataRoot});
  const stop = async () => {
    await Promise.all(listeners.map((l) => new Promise<void>((resolve) => {
      l.server.close(() => resolve());
      l.server.closeAllConnections();
    })));
    for (const l of listeners) if (l.address.kind === 'unix') rmSync(l.address.path, {force: true});
    await network.shutdown();
    await engine.containers.flush();
    rmSync(config.pidfile, {force: true});
  };
  return {engine, listeners, stop};
}

export async function main(argv: string[]): Promise<number> {
  let config: DaemonConfig;
  try {
    const flags = parseDaemonFlags(argv);
    if (flags.help) {
      process.stdout.write(usage);
      return 0;
    }
    if (flags.version) {
      process.stdout.write(`labd version ${engineVersion}\n`);
      return 0;
    }
    config = resolveConfig(flags);
  } catch (error) {
    process.stderr.write(`labd: ${(error as Error).message}\n`);
    return 1;
  }
  let running;
  try {
    running = await startEngine(config);
  } catch (error) {
    // The stack helps whoever reads the log; the reason goes last, where `lab engine start` shows its tail.
    if (!(error instanceof ConfigError) && (error as Error).stack) process.stderr.write(`${(error as Error).stack}\n`);
    process.stderr.write(`labd: failed to start daemon: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  }
  // One bad request must not take every container's engine down: log what escaped and keep serving.
  process.on('uncaughtException', (error) => running.engine.log.error('uncaught error', {error: error.stack ?? String(error)}));
  process.on('unhandledRejection', (error) => running.engine.log.error('unhandled rejection', {error: (error as Error)?.stack ?? String(error)}));
  return await new Promise<number>((resolve) => {
    let stopping = false;
    // A repeated signal must not kill the daemon half-way through unmounting its containers' layers.
    const shutdown = (signal: string) => {
      if (stopping) {
        running.engine.log.info(`Processing signal '${signal}': shutdown already in progress`);
        return;
      }
      stopping = true;
      running.engine.log.info(`Processing signal '${signal}'`);
      running.stop().then(() => {
        running.engine.log.info('Daemon shutdown complete');
        resolve(0);
      });
    };
    process.on('SIGTERM', () => shutdown('terminated'));
    process.on('SIGINT', () => shutdown('interrupt'));
  });
}
