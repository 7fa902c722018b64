/**
 * A lab whose clean-up undoes machine-wide state (lab 26's audit rules, which log every chmod on the machine)
 * must have it run even when the process that prepared the lab is killed. The sandbox dir records the lab and
 * its parameters; the sweep of abandoned sandboxes runs that clean-up before it removes the dir.
 */
import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {loadExercise} from '../exercises/load.js';
import type {Exercise} from '../exercises/types.js';
import {paramEnv, type Params} from './params.js';

interface CleanupRecord {
  lab: string;
  params: Params;
}

const recordFile = (dir: string) => join(dir, 'lab-cleanup.json');

/**
 * Records what a later sweep needs. Only for a clean-up the lab declares safe to run at any later time
 * (`cleanupOnDestroy`): one that ends processes by pid must not run once those pids may be another's.
 */
export function recordCleanup(dir: string, ex: Pick<Exercise, 'id' | 'cleanup' | 'cleanupOnDestroy'>, params: Params): void {
  if (!ex.cleanup || !ex.cleanupOnDestroy) return;
  const record: CleanupRecord = {lab: ex.id, params};
  writeFileSync(recordFile(dir), JSON.stringify(record));
}

/** Runs the clean-up recorded in an abandoned `dir`, if any; says what happened through `progress`. */
export function runRecordedCleanup(dir: string, progress: (m: string) => void): void {
  if (!existsSync(recordFile(dir))) return;
  let ex: Exercise;
  let record: CleanupRecord;
  try {
    record = JSON.parse(readFileSync(recordFile(dir), 'utf8')) as CleanupRecord;
    ex = loadExercise(record.lab);
  } catch (error) {
    progress(`cannot run the clean-up recorded in ${dir}: ${(error as Error).message}`);
    return;
  }
  if (!ex.cleanup || !ex.cleanupOnDestroy) return;
  const work = join(dir, 'work');
  const r = spawnSync('sh', [join(ex.dir, ex.cleanup)], {
    cwd: existsSync(work) ? work : dir, encoding: 'utf8', timeout: 60_000,
    env: {...process.env, LAB_EXERCISE_DIR: ex.dir, ...paramEnv(record.params)},
  });
  const why = r.error ? r.error.message : r.status !== 0 ? `exit ${r.status ?? r.signal}: ${r.stderr.trim()}` : '';
  progress(why ? `lab ${ex.id}'s clean-up (${ex.cleanup}) for ${dir} failed: ${why}` : `ran lab ${ex.id}'s clean-up (${ex.cleanup}) for ${dir}`);
}
