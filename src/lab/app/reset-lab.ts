/**
 * `lab reset`: back to a clean start — the engine's configuration restored (for labs that change it), every
 * container and image removed, the work dir made again with the lab's files, and the session begun afresh.
 */
import {prepareFiles, prepareImages, ensureEngine, run, type Progress} from '../session/prepare.js';
import {restoreServiceFiles} from '../session/service-files.js';
import {createSession, type Session} from '../session/session.js';
import {type LabContext, saveLab} from './open-lab.js';

/** Resets the lab and closes its environment; the new session is returned. */
export async function resetLab(ctx: LabContext, progress: Progress): Promise<Session> {
  const {exercise, env} = ctx;
  const old = ctx.session;
  // A daemon the student reconfigured (or broke) goes back to the lab's start before anything else needs it.
  if (exercise.service && old.serviceFiles) await restoreServiceFiles(env, old.serviceFiles, progress);
  await ensureEngine(env, progress, exercise.service);
  const ids = (await run(env, ['docker', 'ps', '-aq'], 'docker ps')).split('\n').filter(Boolean);
  if (ids.length > 0) await run(env, ['docker', 'rm', '-f', ...ids], 'removing containers');
  await run(env, ['docker', 'image', 'prune', '-af'], 'removing images');
  // Overlays mounted by hand in the work dir go first: removing files through a mount would reach its layers.
  await run(env, ['sh', '-c', 'w=$(realpath -m "$1"); awk \'{print $5}\' /proc/self/mountinfo | grep -E "^$w(/|$)" | sort -r | xargs -r -n1 umount -l', 'sh', old.workdir], 'unmounting in the work dir');
  await run(env, ['rm', '-rf', old.workdir], 'removing the work dir');
  await env.exec(['mkdir', '-p', old.workdir]);
  const images = await prepareImages(env, exercise, progress);
  await prepareFiles(env, exercise, progress, old.params);
  // The same lab, place and parameters; what existed before and what was done since are forgotten.
  const session = createSession({...old, images, baseline: undefined});
  await saveLab({session, env});
  await env.close();
  return session;
}
