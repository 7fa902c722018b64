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
import {makeParams, type Params} from '../session/params.js';
import {ensureCourseRegistry, ensureEngine, placeBakedArchives, prepareFiles, prepareImages, type Progress} from '../session/prepare.js';
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

/** What was done before the engine answered: the parameters made, the archives placed. */
interface EarlyWork {
  params: Params;
  placed: Set<string>;
}

/** The part of a lab's start that needs no engine, done by the provider while a VM's engine starts. */
const early = new WeakMap<Environment, Promise<EarlyWork>>();

function doEarlyWork(env: Environment, opts: Pick<StartLabOptions, 'exercise' | 'workdir' | 'onProgress'>): Promise<EarlyWork> {
  let work = early.get(env);
  if (!work) {
    work = (async () => {
      // Fresh for every start: a random token makes this session's image its own.
      const params = makeParams(opts.exercise);
      opts.onProgress(`files: ${opts.workdir}`);
      // The archives are copied while the scripts run (neither touches the other's files).
      const [, placed] = await Promise.all([prepareFiles(env, opts.exercise, opts.onProgress, params, 'before-engine'), placeBakedArchives(env, opts.exercise, opts.onProgress)]);
      return {params, placed};
    })();
    early.set(env, work);
    // Awaited by prepareLab, perhaps only after it failed: not an unhandled rejection meanwhile.
    work.catch(() => undefined);
  }
  return work;
}

/** Creates the lab's environment, or reconnects to the one of its name. The caller closes it. */
export async function startEnvironment(opts: Pick<StartLabOptions, 'exercise' | 'provider' | 'ssh' | 'workdir' | 'onProgress'>): Promise<Environment> {
  const provider = await providerFor(opts.provider, opts.ssh);
  opts.onProgress(`environment: ${opts.provider}`);
  return provider.start({name: environmentName(opts.exercise), workdir: opts.workdir, onProgress: opts.onProgress, beforeEngine: async (env) => void (await doEarlyWork(env, opts))});
}

/** The containers and images there before the lab's: one round trip, which counts in a VM under emulation. */
async function readBaseline(env: Environment): Promise<{containers: string[]; images: string[]}> {
  const r = await env.exec(['sh', '-c', 'docker ps -aq --no-trunc && echo --- && docker images -aq --no-trunc']);
  const [containers = '', images = ''] = r.stdout.split('---\n');
  if (r.code !== 0) throw new Error(`cannot list what the engine holds (exit ${r.code}): ${r.stderr.trim()}`);
  const ids = (text: string) => text.split('\n').filter(Boolean);
  return {containers: ids(containers), images: ids(images)};
}

/** Makes the lab ready in its environment and records the new session, here and inside. */
export async function prepareLab(env: Environment, opts: StartLabOptions): Promise<Session> {
  const {exercise, onProgress: progress} = opts;
  // The part that needs no engine (started already when the provider ran it as the VM came up) goes on while the
  // engine's part runs: under emulation each is seconds of the guest's CPU, and the guest has more than one.
  const earlyWork = doEarlyWork(env, opts);
  // Archives the early work places in the work dir wait for it; the images the engine loads do not.
  const placeable = (i: NonNullable<Exercise['images']>[number]) => Boolean(i.saveAs) && !i.load;
  const engineWork = (async () => {
    await ensureEngine(env, progress, exercise.service);
    await ensureCourseRegistry(env, progress);
    const serviceFiles = exercise.service ? await readServiceFiles(env, exercise.service) : undefined;
    // What is already there is not this lab's work: record it so checks look only at what comes next.
    const baseline = await readBaseline(env);
    const loaded = await prepareImages(env, {...exercise, images: (exercise.images ?? []).filter((i) => !placeable(i))}, progress);
    return {serviceFiles, baseline, loaded};
  })();
  const [{params, placed}, {serviceFiles, baseline, loaded}] = await Promise.all([earlyWork, engineWork]);
  const saved = await prepareImages(env, {...exercise, images: (exercise.images ?? []).filter(placeable)}, progress, placed);
  const images = {...loaded, ...saved};
  await prepareFiles(env, exercise, progress, params, 'after-engine');
  const session = createSession({
    lab: exercise.id, provider: opts.provider, envName: environmentName(exercise), ssh: opts.ssh, workdir: opts.workdir, lang: opts.lang, student: opts.student,
    images, params, baseline, serviceFiles,
  });
  saveSession(session);
  await pushSession(env, session);
  return session;
}
