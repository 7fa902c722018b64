/** What most lab verbs start from: the session, its exercise definition and a connection to its environment. */
import type {Environment} from '../../environment/environment.js';
import {loadExercise} from '../exercises/load.js';
import type {Exercise} from '../exercises/types.js';
import {providerFor} from '../providers/index.js';
import {pullSession, pushSession} from '../session/mirror.js';
import {loadSession, saveSession, type Session} from '../session/session.js';

export interface LabContext {
  session: Session;
  exercise: Exercise;
  env: Environment;
}

/** The lab named (default: the one started last), its environment connected, or started again when it is down. */
export async function openLab(lab?: string): Promise<LabContext> {
  const stored = loadSession(lab);
  const exercise = loadExercise(stored.lab);
  const provider = await providerFor(stored.provider, stored.ssh);
  const env = (await provider.connect(stored.envName, stored.workdir)) ?? (await provider.start({name: stored.envName, workdir: stored.workdir}));
  const session = await pullSession(env, stored);
  return {session, exercise, env};
}

/** Saves the session here and, for a VM or SSH host, its copy there, so `lab` inside sees the same answers and progress. */
export async function saveLab(ctx: {session: Session; env: Environment}): Promise<void> {
  saveSession(ctx.session);
  await pushSession(ctx.env, ctx.session);
}

/** For verbs that need no environment of their own (answer, hint): the running one, if any, to keep the copy inside in step. */
export async function runningEnvironment(session: Session): Promise<Environment | undefined> {
  if (session.provider === 'local') return undefined;
  return (await providerFor(session.provider, session.ssh)).connect(session.envName, session.workdir).catch(() => undefined);
}
