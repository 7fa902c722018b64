// The one docker CLI both engines are driven by, pointed at an engine's socket, with the run's private DOCKER_CONFIG.
import {existsSync} from 'node:fs';
import {must, run} from './proc.mjs';
import {session} from './session.mjs';

export const dockerCli = existsSync('/usr/local/bin/docker') ? '/usr/local/bin/docker' : 'docker';

/** `docker -H <engine's socket, or options.host> ...args`; resolves with exit code, output and wall-clock ms. */
export const docker = (engine, args, options = {}) => run(dockerCli, ['-H', options.host ?? engine.host, ...args], {env: session.cliEnv, ...options});
/** The same, throwing unless it exits 0. */
export const mustDocker = (engine, args, options = {}) => must(dockerCli, ['-H', options.host ?? engine.host, ...args], {env: session.cliEnv, ...options});
