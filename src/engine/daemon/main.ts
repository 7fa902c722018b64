/** labd's entry point: configuration, the engine, the API listeners, and an orderly shutdown. */
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';
import {engineRouter} from '../api/routes/index.js';
import {listen, type Listener} from '../api/server.js';
import {createEngine} from '../composition/create-engine.js';
import {engineVersion, type Engine} from '../composition/engine.js';
import {ConfigError, resolveConfig, type DaemonConfig} from '../config/daemon-config.js';
import {parseDaemonFlags, usage} from '../config/flags.js';
import {createLogger} from '../util/log.js';
import {processAlive} from '../../common/process-alive.js';
import {lockDataRoot} from './data-root-lock.js';

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

export async function startEngine(config: DaemonConfig): Promise<{engine: Engine; listeners: Listener[]; stop: () => Promise<void>}> {
  const log = createLogger(config.logLevel);
  if (process.getuid?.() !== 0) throw new ConfigError('labd needs root: it mounts overlay filesystems and creates namespaces');
  // Before the pid file: a second daemon on this data-root must not touch the first one's pid file either.
  const unlock = lockDataRoot(config.dataRoot);
  const undo = () => {
    rmSync(config.pidfile, {force: true});
    unlock();
  };
  try {
    claimPidfile(config.pidfile);
  } catch (error) {
    unlock();
    throw error;
  }
  let engine: Engine;
  try {
    engine = await createEngine(config, log);
  } catch (error) {
    undo();
    throw error;
  }
  const router = engineRouter(engine);
  let listeners: Listener[];
  try {
    listeners = await listen(config, router, log);
  } catch (error) {
    undo();
    throw error;
  }
  log.info('Daemon has completed initialization', {version: engineVersion, dataRoot: config.dataRoot});
  const stop = async () => {
    await Promise.all(listeners.map((l) => new Promise<void>((resolve) => {
      l.server.close(() => resolve());
      l.server.closeAllConnections();
    })));
    for (const l of listeners) if (l.address.kind === 'unix') rmSync(l.address.path, {force: true});
    // As dockerd: without live-restore the containers stop with the daemon; with it they run on, to be adopted.
    if (!config.liveRestore) await engine.containers.shutdown();
    await engine.network.shutdown();
    await engine.containers.flush();
    undo();
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
