/** What most lab commands start from: the session, its exercise definition and a connection to its environment. */
import type {Exercise} from '../lab/exercises/types.js';
import type {Environment} from '../environment/environment.js';
import type {Session} from '../lab/session/session.js';

export interface LabContext {
  session: Session;
  exercise: Exercise;
  env: Environment;
}

export async function openLab(lab?: string): Promise<LabContext> {
  const {loadSession} = await import('../lab/session/session.js');
  const {loadExercise} = await import('../lab/exercises/load.js');
  const {providerFor} = await import('../lab/providers/index.js');
  const {pullSession} = await import('../lab/session/mirror.js');
  const stored = loadSession(lab);
  const exercise = loadExercise(stored.lab);
  const provider = await providerFor(stored.provider, stored.ssh);
  const env = (await provider.connect(stored.envName)) ?? (await provider.start({name: stored.envName, workdir: stored.workdir}));
  (env as {workdir: string}).workdir = stored.workdir;
  const session = await pullSession(env, stored);
  return {session, exercise, env};
}

/** Saves the session here and, for a VM or SSH host, its copy there, so `lab` inside sees the same answers and progress. */
export async function saveLab(ctx: {session: Session; env: Environment}): Promise<void> {
  const {saveSession} = await import('../lab/session/session.js');
  const {pushSession} = await import('../lab/session/mirror.js');
  saveSession(ctx.session);
  await pushSession(ctx.env, ctx.session);
}

/** For commands that need no environment of their own (answer, hint): the running one, if any, to keep the copy inside in step. */
export async function runningEnvironment(session: Session): Promise<Environment | undefined> {
  if (session.provider === 'local') return undefined;
  const {providerFor} = await import('../lab/providers/index.js');
  return (await providerFor(session.provider, session.ssh)).connect(session.envName).catch(() => undefined);
}
