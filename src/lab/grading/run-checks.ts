/**
 * `lab check`: one snapshot of the environment, every check of the lab (or one step) evaluated by its grader,
 * and the result merged into the session's progress — a check that passed once stays passed.
 */
import {graders} from '../../../graders/index.js';
import type {Snapshot} from '../../../graders/snapshot.js';
import type {Verdict} from '../../../graders/verdict.js';
import type {Exercise, StepDef} from '../exercises/types.js';
import type {Environment} from '../../environment/environment.js';
import {fill} from '../render/text.js';
import {collect} from './collect.js';
import type {GradedSession} from './graded-session.js';
import type {SnapshotRequest} from './snapshot-request.js';

export const engineSocket = '/var/run/docker.sock';

export function templateContext(session: Pick<GradedSession, 'workdir' | 'images' | 'params'>): Record<string, unknown> {
  return {workdir: session.workdir, images: session.images, params: session.params ?? {}};
}

function fillDeep(value: unknown, context: object): unknown {
  if (typeof value === 'string') {
    const filled = fill(value, context);
    return /^\d+$/.test(filled) && filled !== value ? Number(filled) : filled;
  }
  if (Array.isArray(value)) return value.map((v) => fillDeep(v, context));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, context)]));
  return value;
}

export function snapshotRequest(ex: Exercise, session: GradedSession, socket = engineSocket): SnapshotRequest {
  const ctx = templateContext(session);
  const w = ex.watch ?? {};
  const list = (xs?: string[]) => (xs ?? []).map((x) => fill(x, ctx));
  const request: SnapshotRequest = {socket, hostFiles: list(w.hostFiles), imagePaths: list(w.imagePaths), containerPaths: list(w.containerPaths), contains: list(w.contains), since: session.startedAt};
  if (w.dirs) request.dirs = list(w.dirs);
  if (w.registryRepos) request.registryRepos = list(w.registryRepos);
  if (w.mounts) request.mounts = true;
  if (w.processes) request.processes = true;
  if (w.namespacedProcesses) request.namespacedProcesses = true;
  if (w.cgroups) request.cgroups = true;
  if (w.capabilities) request.capabilities = true;
  if (w.sizes) request.sizes = true;
  if (w.postgres) request.postgres = true;
  if (w.audit) request.audit = {key: fill(w.audit.key, ctx)};
  if (w.daemon) {
    const d = w.daemon;
    request.daemon = {pidfile: fill(d.pidfile, ctx), configFile: fill(d.configFile, ctx), tcpPort: Number(fill(d.tcpPort, ctx)), ...(d.optionsFile ? {optionsFile: fill(d.optionsFile, ctx)} : {})};
  }
  return request;
}

/** Locally the collector runs in this process; elsewhere it runs inside the environment with the package's node. */
export async function takeSnapshot(env: Environment, request: SnapshotRequest, collectorCommand: string[]): Promise<Snapshot> {
  if (env.provider === 'local') return collect(request);
  const r = await env.exec(collectorCommand, {input: JSON.stringify(request), timeoutMs: 60_000});
  if (r.code !== 0) throw new Error(`the state collector failed in the environment: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout) as Snapshot;
}

export interface CheckResult {
  id: string;
  weight: number;
  verdict: Verdict;
  /** Passed now, or passed earlier in this session. */
  done: boolean;
  passedAt?: string;
}

export interface StepResult {
  step: StepDef;
  checks: CheckResult[];
  done: boolean;
  score: number;
  maxScore: number;
}

export function evaluate(ex: Exercise, session: GradedSession, snapshot: Snapshot, only?: string): StepResult[] {
  const ctx = templateContext(session);
  const oldContainers = new Set(session.baseline?.containers ?? []);
  const oldImages = new Set(session.baseline?.images ?? []);
  const withAnswers: Snapshot = {
    ...snapshot,
    answers: {...snapshot.answers, ...session.answers},
    engine: {
      ...snapshot.engine,
      containers: snapshot.engine.containers.filter((c) => !oldContainers.has(c.id)),
      // The lab's own images stay visible even when they were there before (a second start).
      images: snapshot.engine.images.filter((i) => !oldImages.has(i.id) || Object.values(session.images).some((x) => x.id === i.id)),
    },
  };
  return ex.steps.filter((s) => !only || s.id === only).map((step) => {
    const checks = step.checks.map((c): CheckResult => {
      let verdict: Verdict;
      try {
        verdict = graders[c.grader](withAnswers, fillDeep(c.params ?? {}, ctx) as Record<string, unknown>);
      } catch (error) {
        verdict = {pass: false, observed: `the check could not run: ${(error as Error).message}`, expected: '', concept: ''};
      }
      const earlier = session.progress[step.id]?.[c.id];
      return {id: c.id, weight: c.weight ?? 1, verdict, done: verdict.pass || Boolean(earlier), passedAt: verdict.pass ? new Date().toISOString() : earlier?.passedAt};
    });
    // Guards say nothing about progress on their own: they count once the step's real checks are done.
    const real = checks.filter((c) => !step.checks.find((d) => d.id === c.id)?.guard);
    if (!real.every((c) => c.done)) {
      for (const c of checks) if (step.checks.find((d) => d.id === c.id)?.guard && !session.progress[step.id]?.[c.id]) c.done = false;
    }
    const maxScore = checks.reduce((s, c) => s + c.weight, 0);
    const score = checks.filter((c) => c.done).reduce((s, c) => s + c.weight, 0);
    return {step, checks, done: checks.every((c) => c.done), score, maxScore};
  });
}

/** Records newly passed checks (with their evidence) in the session; never removes one. */
export function recordProgress(session: GradedSession, results: StepResult[]): void {
  for (const r of results) {
    for (const c of r.checks) {
      if (!c.verdict.pass || !c.done || session.progress[r.step.id]?.[c.id]) continue;
      session.progress[r.step.id] = {...session.progress[r.step.id], [c.id]: {passedAt: c.passedAt!, verdict: c.verdict}};
    }
  }
}
