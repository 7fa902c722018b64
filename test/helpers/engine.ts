/**
 * A real labd for a test: its own data-root, exec-root and unix socket in a temp dir, driven with the stock
 * docker CLI through DOCKER_HOST. Stopped and removed when the test file ends.
 */
import {makePrivateEngine} from '../../src/engine/control/private-engine.js';
import {runCommand, runLab, type CliResult} from './cli.js';

export interface TestEngine {
  dir: string;
  dataRoot: string;
  execRoot: string;
  socket: string;
  host: string;
  docker(args: string[], input?: Buffer | string): Promise<CliResult>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** `env` is added to labd's environment (it inherits `lab engine start`'s): HTTPS_PROXY, NO_PROXY. */
export async function startTestEngine(opts: {daemonJson?: Record<string, unknown>; args?: string[]; env?: NodeJS.ProcessEnv} = {}): Promise<TestEngine> {
  const engine = makePrivateEngine({prefix: 'lab-engine-', daemonJson: opts.daemonJson});
  const {dir, dataRoot, execRoot, socket, host} = engine;
  const extraArgs = opts.args ?? [];
  const hostArgs = opts.daemonJson?.hosts ? [] : ['-H', host];
  // Through the CLI, as a user starts it: tests of refused configurations read its error.
  const args = ['engine', 'start', '--json', '--data-root', dataRoot, '--exec-root', execRoot, ...hostArgs, '--config-file', engine.configFile, ...extraArgs];
  const start = async () => {
    const r = await runLab(args, opts.env);
    if (r.code !== 0) throw new Error(`lab engine start failed: ${r.stderr || r.stdout}`);
  };
  try {
    await start();
  } catch (error) {
    // A refused configuration is what some tests want: their temp dir goes with the failure.
    await engine.dispose();
    throw error;
  }
  const stop = async () => {
    await runLab(['engine', 'stop', '--exec-root', execRoot]);
  };
  return {
    dir, dataRoot, execRoot, socket, host,
    docker: (dockerArgs, input) => runCommand('docker', dockerArgs, engine.dockerEnv, 300_000, input),
    restart: async () => {
      await stop();
      await start();
    },
    // Its containers go first (their shims would outlive the engine), then the engine, its mounts and its dir.
    stop: () => engine.dispose(),
  };
}
