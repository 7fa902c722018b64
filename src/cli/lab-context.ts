/** What most lab commands start from: the session, its exercise definition and a connection to its environment. */
import type {Exercise} from '../lab/exercises/types.js';
import type {Environment} from '../lab/providers/provider.js';
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
  const session = loadSession(lab);
  const exercise = loadExercise(session.lab);
  const provider = await providerFor(session.provider);
  const env = (await provider.connect(session.envName)) ?? (await provider.start({name: session.envName, workdir: session.workdir}));
  if (env.provider === 'local') (env as {workdir: string}).workdir = session.workdir;
  return {session, exercise, env};
}
