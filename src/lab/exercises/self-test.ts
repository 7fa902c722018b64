/**
 * `lab exercise test`: proves a lab's checks on a fresh environment with its own engine. For every step, in
 * order: its checks fail before the step is done; each near-miss mutation is rejected by the checks it targets;
 * after the step's solve script, every check passes.
 */
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';
import {startEngineProcess, stopEngineProcess} from '../../engine/control/engine-process.js';
import {packageRoot} from '../../package-root.js';
import {mountsBelow} from '../../common/mount-table.js';
import {evaluate, snapshotRequest} from '../grading/run-checks.js';
import {collect} from '../grading/collect.js';
import {LocalProvider} from '../providers/local.js';
import type {Environment} from '../providers/provider.js';
import {prepareFiles, prepareImages} from '../session/prepare.js';
import {loadSession, saveSession, type Session} from '../session/session.js';
import type {Exercise, StepDef} from './types.js';

export interface SelfTestLine {
  step: string;
  phase: 'before' | 'mutation' | 'solve';
  name: string;
  ok: boolean;
  detail: string;
}

async function checkStep(ex: Exercise, step: StepDef, socket: string): Promise<Map<string, boolean>> {
  const session = {...loadSession(ex.id), progress: {}};
  const snapshot = await collect(snapshotRequest(ex, session, socket));
  const [result] = evaluate(ex, session, snapshot, step.id);
  return new Map(result.checks.map((c) => [c.id, c.verdict.pass]));
}

async function script(env: Environment, ex: Exercise, path: string): Promise<{code: number; output: string}> {
  const r = await env.exec(['sh', join(ex.dir, path)], {cwd: env.workdir, timeoutMs: 300_000, env: {LAB_EXERCISE_DIR: ex.dir}});
  return {code: r.code, output: (r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ')};
}

export async function selfTest(ex: Exercise, report: (line: SelfTestLine) => void, progress: (m: string) => void): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), `lab-selftest-${ex.id}-`));
  const run = join(dir, 'run');
  const socket = join(run, 'docker.sock');
  const saved = {DOCKER_HOST: process.env.DOCKER_HOST, XDG_STATE_HOME: process.env.XDG_STATE_HOME, PATH: process.env.PATH};
  let ok = true;
  try {
    // Scripts type `lab` and `docker` as a student would: both must reach this private setup.
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'lab'), `#!/bin/sh\nexec "${process.execPath}" "${join(packageRoot(), 'bin', 'run.js')}" "$@"\n`);
    chmodSync(join(dir, 'bin', 'lab'), 0o755);
    writeFileSync(join(dir, 'daemon.json'), '{}');
    Object.assign(process.env, {DOCKER_HOST: `unix://${socket}`, XDG_STATE_HOME: join(dir, 'state'), PATH: `${join(dir, 'bin')}:${process.env.PATH}`, DOCKER_BUILDKIT: '0'});
    progress('starting a private engine');
    await startEngineProcess({dataRoot: join(dir, 'data'), execRoot: run, hosts: [`unix://${socket}`], configFile: join(dir, 'daemon.json')});
    const env = await new LocalProvider().start({name: `selftest-${ex.id}`, workdir: join(dir, 'work')});
    progress('preparing images and files');
    const images = await prepareImages(env, ex, progress);
    await prepareFiles(env, ex, progress);
    const session: Session = {
      lab: ex.id, provider: 'local', envName: `selftest-${ex.id}`, workdir: env.workdir, lang: 'en', student: 'self-test',
      startedAt: Math.floor(Date.now() / 1000) - 1, images, answers: {}, progress: {}, hints: {},
    };
    saveSession(session);
    for (const step of ex.steps) {
      const before = await checkStep(ex, step, socket);
      const guards = new Set(step.checks.filter((c) => c.guard).map((c) => c.id));
      const passedEarly = [...before].filter(([id, p]) => p && !guards.has(id)).map(([id]) => id);
      report({step: step.id, phase: 'before', name: 'checks fail on a fresh environment', ok: passedEarly.length === 0, detail: passedEarly.length ? `already passing: ${passedEarly.join(', ')}` : `${before.size} failing`});
      ok &&= passedEarly.length === 0;
      for (const m of step.mutations ?? []) {
        const r = await script(env, ex, m.script);
        const after = await checkStep(ex, step, socket);
        const accepted = m.rejects.filter((id) => after.get(id));
        report({step: step.id, phase: 'mutation', name: m.id, ok: accepted.length === 0, detail: accepted.length ? `not rejected by: ${accepted.join(', ')} (script exit ${r.code}: ${r.output})` : `rejected by ${m.rejects.join(', ')}`});
        ok &&= accepted.length === 0;
        if (m.undo) await script(env, ex, m.undo);
      }
      const solved = await script(env, ex, step.solve);
      const after = await checkStep(ex, step, socket);
      const failing = [...after].filter(([, p]) => !p).map(([id]) => id);
      const good = solved.code === 0 && failing.length === 0;
      report({step: step.id, phase: 'solve', name: step.solve, ok: good, detail: good ? `${after.size} passing` : `exit ${solved.code}; failing: ${failing.join(', ') || 'none'} (${solved.output})`});
      ok &&= good;
      if (!good) break;
    }
  } finally {
    await stopEngineProcess(run).catch(() => undefined);
    for (const point of mountsBelow(dir)) spawnSync('umount', ['-l', point]);
    rmSync(dir, {recursive: true, force: true});
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return ok;
}
