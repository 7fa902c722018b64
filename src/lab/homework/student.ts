/**
 * One student in the sandbox: the submission copied into a fresh build context, built, the image read from the
 * engine's store, run under limits with a wall-clock bound. Only facts are gathered here; checks.ts judges them.
 */
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {docker} from './docker.js';
import {imageFacts, type ImageFacts} from './image.js';
import type {Sandbox} from './sandbox.js';
import {copySubmission, type CopyReport} from './submissions.js';
import type {Homework} from './types.js';

export interface BuildFacts {
  ok: boolean;
  code: number;
  output: string;
  timedOut: boolean;
  /** Unix seconds when the build started: layers older than this did not come from this Dockerfile. */
  startedAt: number;
  seconds: number;
}

export interface RunFacts {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  oomKilled: boolean;
  /** Processes in the container when it was killed for time. */
  processes?: number;
  seconds: number;
}

export interface StudentFacts {
  copy: CopyReport;
  hasDockerfile: boolean;
  build?: BuildFacts;
  image?: ImageFacts;
  imageError?: string;
  run?: RunFacts;
}

async function build(sandbox: Sandbox, hw: Homework, context: string, tag: string): Promise<BuildFacts> {
  const started = Date.now();
  // RUN steps get the run's memory limit too: a Dockerfile's own commands are as untrusted as its program.
  const memory = `${hw.limits.memoryMb}m`;
  const r = await docker(sandbox.env, ['build', '--no-cache', '--force-rm', '--memory', memory, '--memory-swap', memory, '-t', tag, context], hw.limits.buildTimeoutSeconds * 1000);
  const output = r.stdout + r.stderr;
  return {ok: r.code === 0 && !r.timedOut, code: r.code, output, timedOut: r.timedOut, startedAt: Math.floor(started / 1000), seconds: (Date.now() - started) / 1000};
}

async function run(sandbox: Sandbox, hw: Homework, image: string, name: string): Promise<RunFacts> {
  const {memoryMb, pids, runTimeoutSeconds} = hw.limits;
  const started = Date.now();
  let processes: number | undefined;
  const args = [
    'run', '--name', name, '--network', 'none', '--memory', `${memoryMb}m`, '--memory-swap', `${memoryMb}m`,
    '--pids-limit', String(pids), '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
    // Its output reaches us through the attached client (kept to a bounded size there); nothing goes to disk.
    '--log-driver', 'none', image,
  ];
  const r = await docker(sandbox.env, args, runTimeoutSeconds * 1000, async () => {
    const top = await sandbox.engine.containerTop(name).catch(() => undefined);
    processes = top?.Processes?.length;
    await docker(sandbox.env, ['kill', name], 15_000);
  });
  const state = await sandbox.engine.inspectContainer(name).catch(() => undefined);
  return {
    code: state?.State.ExitCode ?? r.code, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut,
    oomKilled: Boolean(state?.State.OOMKilled), ...(processes !== undefined ? {processes} : {}), seconds: (Date.now() - started) / 1000,
  };
}

export async function checkStudent(sandbox: Sandbox, hw: Homework, submission: string, n: number, progress: (m: string) => void): Promise<StudentFacts> {
  const context = sandbox.contextDir(String(n));
  const copy = copySubmission(submission, context, {maxBytes: hw.limits.submissionMaxKb * 1024, maxFiles: hw.limits.submissionMaxFiles});
  if (copy.problems.length) progress(`${copy.problems.length} entr${copy.problems.length === 1 ? 'y' : 'ies'} left out of the build context`);
  const facts: StudentFacts = {copy, hasDockerfile: existsSync(join(context, 'Dockerfile'))};
  if (!facts.hasDockerfile) return facts;
  const tag = `homework-${hw.lab}/student-${n}:latest`;
  progress('building');
  facts.build = await build(sandbox, hw, context, tag);
  if (!facts.build.ok) return facts;
  try {
    facts.image = await imageFacts(sandbox.engine, tag);
  } catch (error) {
    facts.imageError = (error as Error).message;
  }
  if (!facts.image) return facts;
  progress('running');
  facts.run = await run(sandbox, hw, facts.image.id, `homework-run-${n}`);
  return facts;
}
