/**
 * `lab start`: an environment for the lab (this machine, a VM or an SSH host), then the lab made ready in it —
 * the engine running, the images loaded, the student's files in the work dir — and a fresh session recorded.
 */
import {homedir} from 'node:os';
import {join, resolve} from 'node:path';
import type {Environment} from '../../environment/environment.js';
import type {Exercise} from '../exercises/types.js';
import {providerFor, type ProviderName} from '../providers/index.js';
import type {SshTarget} from '../providers/ssh-target.js';
import {pushSession} from '../session/mirror.js';
import {makeParams} from '../session/params.js';
import {ensureCourseRegistry, ensureEngine, prepareFiles, prepareImages, type Progress} from '../session/prepare.js';
import {readServiceFiles} from '../session/service-files.js';
import {createSession, saveSession, type Session} from '../session/session.js';

export interface StartLabOptions {
  exercise: Exercise;
  provider: ProviderName;
  ssh?: SshTarget;
  /** Where the lab's files go inside the environment (see labWorkdir). */
  workdir: string;
  lang: string;
  student: string;
  onProgress: Progress;
}

/** The provider's name for a lab's environment (the VM's name, for qemu). */
export const environmentName = (exercise: Pick<Exercise, 'id'>) => `lab${exercise.id}`;

/**
 * The work dir: the one asked for (resolved here for this machine), else lab<N> in the home of whoever works
 * there — inside a VM or on an SSH host that is that machine's home, not a path of this one.
 */
export function labWorkdir(opts: {provider: ProviderName; exercise: Pick<Exercise, 'id'>; ssh?: SshTarget; dir?: string}): string {
  if (opts.provider === 'local') return resolve(opts.dir ?? join(homedir(), `lab${opts.exercise.id}`));
  const remoteHome = opts.ssh ? (opts.ssh.user === 'root' ? '/root' : `/home/${opts.ssh.user}`) : '/root';
  return opts.dir ?? `${remoteHome}/lab${opts.exercise.id}`;
}

/** Creates the lab's environment, or reconnects to the one of its name. The caller closes it. */
export async function startEnvironment(opts: Pick<StartLabOptions, 'exercise' | 'provider' | 'ssh' | 'workdir' | 'onProgress'>): Promise<Environment> {
  const provider = await providerFor(opts.provider, opts.ssh);
  opts.onProgress(`environment: ${opts.provider}`);
  return provider.start({name: environmentName(opts.exercise), workdir: opts.workdir, onProgress: opts.onProgress});
}

/** Makes the lab ready in its environment and records the new session, here and inside. */
export async function prepareLab(env: Environment, opts: StartLabOptions): Promise<Session> {
  const {exercise, onProgress: progress} = opts;
  await ensureEngine(env, progress, exercise.service);
  await ensureCourseRegistry(env, progress);
  const serviceFiles = exercise.service ? await readServiceFiles(env, exercise.service) : undefined;
  // What is already there is not this lab's work: record it so checks look only at what comes next.
  const list = async (argv: string[]) => (await env.exec(argv)).stdout.split('\n').filter(Boolean);
  const baseline = {containers: await list(['docker', 'ps', '-aq', '--no-trunc']), images: await list(['docker', 'images', '-aq', '--no-trunc'])};
  const images = await prepareImages(env, exercise, progress);
  // Fresh for every start: a random token makes this session's image its own.
  const params = makeParams(exercise);
  progress(`files: ${opts.workdir}`);
  await prepareFiles(env, exercise, progress, params);
  const session = createSession({
    lab: exercise.id, provider: opts.provider, envName: environmentName(exercise), ssh: opts.ssh, workdir: opts.workdir, lang: opts.lang, student: opts.student,
    images, params, baseline, serviceFiles,
  });
  saveSession(session);
  await pushSession(env, session);
  return session;
}
