/**
 * One student in the sandbox: the submission copied into a fresh build context, built, the image read from the
 * engine's store, run under limits with a wall-clock bound. Only facts are gathered here; checks.ts judges them.
 */
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {docker} from './docker.js';
import {imageFacts, type ImageFacts} from './image.js';
import {studentTag, type Sandbox} from './sandbox.js';
import {unpackSubmission} from './archives.js';
import type {StudentEntry} from './listing.js';
import {copySubmission, type CopyReport, gatherFiles} from './submissions.js';
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
  /** The build context the submission was copied to. */
  context: string;
  hasDockerfile: boolean;
  build?: BuildFacts;
  image?: ImageFacts;
  imageError?: string;
  run?: RunFacts;
  /** Per "cases" check, one run per case, in order. */
  cases?: Record<string, RunFacts[]>;
}

async function build(sandbox: Sandbox, hw: Homework, context: string, tag: string): Promise<BuildFacts> {
  const started = Date.now();
  // RUN steps get the run's memory limit too: a Dockerfile's own commands are as untrusted as its program.
  const memory = `${hw.limits.memoryMb}m`;
  const r = await docker(sandbox.env, ['build', '--no-cache', '--force-rm', '--network', 'none', '--memory', memory, '--memory-swap', memory, '-t', tag, context], hw.limits.buildTimeoutSeconds * 1000);
  const output = r.stdout + r.stderr;
  return {ok: r.code === 0 && !r.timedOut, code: r.code, output, timedOut: r.timedOut, startedAt: Math.floor(started / 1000), seconds: (Date.now() - started) / 1000};
}

/** One run of the image's program under the run limits, with `args` after its ENTRYPOINT and `stdin` as its input. */
export async function runProgram(sandbox: Sandbox, hw: Homework, image: string, name: string, programArgs: string[] = [], stdin?: string): Promise<RunFacts> {
  const {memoryMb, pids, runTimeoutSeconds} = hw.limits;
  const started = Date.now();
  let processes: number | undefined;
  // Set before the kill: the engine answers a SIGKILL once the container has exited, so the CLI may be gone first.
  let killedForTime = false;
  const args = [
    'run', '--name', name, '--network', 'none', '--memory', `${memoryMb}m`, '--memory-swap', `${memoryMb}m`,
    '--pids-limit', String(pids), '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
    // Its output reaches us through the attached client (kept to a bounded size there); nothing goes to disk.
    '--log-driver', 'none', ...(stdin === undefined ? [] : ['-i']), image, ...programArgs,
  ];
  const limitMs = runTimeoutSeconds * 1000;
  // However busy the machine, a run ends by then: its limit three times over, and half a minute to start in.
  const hardStop = started + 3 * limitMs + 30_000;
  const r = await docker(sandbox.env, args, limitMs, async () => {
    // The program's own time counts, not the docker CLI's start and the container's creation: on a busy machine
    // (many jobs, other work) those alone can take seconds, and a correct program must not be killed for them.
    const state = await sandbox.engine.inspectContainer(name).catch(() => undefined);
    const startedAt = state?.State.Running ? Date.parse(state.State.StartedAt) : NaN;
    const left = startedAt > 0 ? startedAt + limitMs - Date.now() : !state || state.State.Status === 'created' ? limitMs : state.State.Running ? 0 : 1000;
    if (left > 0 && Date.now() + left < hardStop) return Math.max(left, 100);
    const top = await sandbox.engine.containerTop(name).catch(() => undefined);
    processes = top?.Processes?.length;
    killedForTime = true;
    await sandbox.engine.request('POST', `/containers/${encodeURIComponent(name)}/kill`, {timeoutMs: 15_000});
  }, stdin);
  const state = await sandbox.engine.inspectContainer(name).catch(() => undefined);
  return {
    code: state?.State.ExitCode ?? r.code, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut || killedForTime,
    oomKilled: Boolean(state?.State.OOMKilled), ...(processes !== undefined ? {processes} : {}), seconds: (Date.now() - started) / 1000,
  };
}

export const copyLimitsOf = (hw: Homework) => ({maxBytes: hw.limits.submissionMaxKb * 1024, maxFiles: hw.limits.submissionMaxFiles, maxFileBytes: hw.limits.fileMaxKb * 1024});

/**
 * The submission unpacked (an archive) and copied into `context` within the homework's limits, without following
 * links; `scratch` is an empty folder an archive may be unpacked into first.
 */
export async function copyEntry(hw: Homework, entry: StudentEntry, context: string, scratch: () => string, progress: (m: string) => void): Promise<CopyReport> {
  const limits = copyLimitsOf(hw);
  if (entry.kind === 'files') {
    // Files an LMS lists side by side for one student (Canvas's download), gathered into one context.
    progress(`gathering ${entry.files!.length} file(s)`);
    return gatherFiles(entry.files!, context, limits);
  }
  let from = entry.path;
  let unpacked: string[] = [];
  if (entry.kind !== 'folder') {
    progress(`unpacking the ${entry.kind} archive`);
    from = scratch();
    unpacked = (await unpackSubmission(entry.path, entry.kind, from, limits)).problems;
  }
  const copied = copySubmission(from, context, limits);
  return {...copied, problems: [...unpacked, ...copied.problems]};
}

export async function checkStudent(sandbox: Sandbox, hw: Homework, entry: StudentEntry, n: number, progress: (m: string) => void): Promise<StudentFacts> {
  const context = sandbox.contextDir(String(n));
  const copy = await copyEntry(hw, entry, context, () => sandbox.contextDir(`${n}-unpacked`), progress);
  return checkCopied(sandbox, hw, copy, context, n, progress);
}

/** Builds and runs a submission already copied into `context` (here, or from a job on a worker). */
export async function checkCopied(sandbox: Sandbox, hw: Homework, copy: CopyReport, context: string, n: number, progress: (m: string) => void): Promise<StudentFacts> {
  for (const p of copy.problems) progress(`left out: ${p}`);
  const facts: StudentFacts = {copy, context, hasDockerfile: existsSync(join(context, 'Dockerfile'))};
  if (!facts.hasDockerfile) return facts;
  const tag = studentTag(hw, n);
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
  if (hw.checks.some((c) => c.kind === 'runs')) facts.run = await runProgram(sandbox, hw, facts.image.id, `homework-run-${n}`);
  facts.cases = {};
  for (const check of hw.checks.filter((c) => c.kind === 'cases')) {
    const runs: RunFacts[] = [];
    for (const [k, tc] of check.cases!.entries()) {
      if (sandbox.signal.aborted) break;
      runs.push(await runProgram(sandbox, hw, facts.image.id, `homework-run-${n}-${check.id}-${k}`, tc.args, tc.stdin));
    }
    facts.cases[check.id] = runs;
  }
  return facts;
}
