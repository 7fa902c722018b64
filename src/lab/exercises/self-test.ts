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
import type {Verdict} from '../grading/verdict.js';
import {LocalProvider} from '../providers/local.js';
import type {Environment} from '../../environment/environment.js';
import {freeTcpPort, makeParams, paramEnv, type Params} from '../session/params.js';
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

async function checkStep(ex: Exercise, step: StepDef, socket: string): Promise<Map<string, Verdict>> {
  const session = {...loadSession(ex.id), progress: {}};
  const snapshot = await collect(snapshotRequest(ex, session, socket));
  const [result] = evaluate(ex, session, snapshot, step.id);
  return new Map(result.checks.map((c) => [c.id, c.verdict]));
}

async function script(env: Environment, ex: Exercise, path: string, params: Params): Promise<{code: number; output: string}> {
  const r = await env.exec(['sh', join(ex.dir, path)], {cwd: env.workdir, timeoutMs: 300_000, env: {LAB_EXERCISE_DIR: ex.dir, ...paramEnv(params)}});
  return {code: r.code, output: (r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ')};
}

export async function selfTest(ex: Exercise, report: (line: SelfTestLine) => void, progress: (m: string) => void): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), `lab-selftest-${ex.id}-`));
  const run = join(dir, 'run');
  const socket = join(run, 'docker.sock');
  const saved = {DOCKER_HOST: process.env.DOCKER_HOST, XDG_STATE_HOME: process.env.XDG_STATE_HOME, PATH: process.env.PATH};
  let ok = true;
  let params: Params = {};
  try {
    // Scripts type `lab` and `docker` as a student would: both must reach this private setup.
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'lab'), `#!/bin/sh\nexec "${process.execPath}" "${join(packageRoot(), 'bin', 'run.js')}" "$@"\n`);
    chmodSync(join(dir, 'bin', 'lab'), 0o755);
    writeFileSync(join(dir, 'daemon.json'), '{}');
    Object.assign(process.env, {DOCKER_HOST: `unix://${socket}`, XDG_STATE_HOME: join(dir, 'state'), PATH: `${join(dir, 'bin')}:${process.env.PATH}`, DOCKER_BUILDKIT: '0'});
    params = makeParams(ex, {dir, freePort: await freeTcpPort()});
    progress('starting a private engine');
    const engine = {dataRoot: join(dir, 'data'), execRoot: run, hosts: [`unix://${socket}`], configFile: join(dir, 'daemon.json')};
    if (ex.service) {
      // A private service options file with every flag in it, so a restart keeps to the private paths.
      const optionsFile = join(dir, 'default-docker');
      writeFileSync(optionsFile, `# This engine's flags (a private copy of ${ex.service.optionsFile}).\nDOCKER_OPTS="-H ${engine.hosts[0]} --data-root ${engine.dataRoot} --exec-root ${run} --config-file ${engine.configFile}"\n`);
      await startEngineProcess({hosts: [], optionsFile});
    } else await startEngineProcess(engine);
    const env = await new LocalProvider().start({name: `selftest-${ex.id}`, workdir: join(dir, 'work')});
    progress('preparing images and files');
    const images = await prepareImages(env, ex, progress);
    await prepareFiles(env, ex, progress, params);
    const session: Session = {
      lab: ex.id, provider: 'local', envName: `selftest-${ex.id}`, workdir: env.workdir, lang: 'en', student: 'self-test',
      startedAt: Math.floor(Date.now() / 1000) - 1, images, params, answers: {}, progress: {}, hints: {},
    };
    saveSession(session);
    for (const step of ex.steps) {
      const before = await checkStep(ex, step, socket);
      const guards = new Set(step.checks.filter((c) => c.guard).map((c) => c.id));
      const passedEarly = [...before].filter(([id, v]) => v.pass && !guards.has(id)).map(([id]) => id);
      report({step: step.id, phase: 'before', name: 'checks fail on a fresh environment', ok: passedEarly.length === 0, detail: passedEarly.length ? `already passing: ${passedEarly.join(', ')}` : `${before.size} failing`});
      ok &&= passedEarly.length === 0;
      for (const m of step.mutations ?? []) {
        const r = await script(env, ex, m.script, params);
        const after = await checkStep(ex, step, socket);
        const accepted = m.rejects.filter((id) => after.get(id)?.pass);
        // The reason each check gave, so an author sees a near miss is rejected for the right reason.
        const why = m.rejects.map((id) => `${id}: ${after.get(id)?.observed ?? '?'}`).join('; ');
        report({step: step.id, phase: 'mutation', name: m.id, ok: accepted.length === 0, detail: accepted.length ? `not rejected by: ${accepted.join(', ')} (script exit ${r.code}: ${r.output})` : `rejected by ${why}`});
        ok &&= accepted.length === 0;
        if (m.undo) await script(env, ex, m.undo, params);
      }
      const solved = await script(env, ex, step.solve, params);
      const after = await checkStep(ex, step, socket);
      const failing = [...after].filter(([, v]) => !v.pass).map(([id, v]) => `${id} (${v.observed})`);
      const good = solved.code === 0 && failing.length === 0;
      report({step: step.id, phase: 'solve', name: step.solve, ok: good, detail: good ? `${after.size} passing` : `exit ${solved.code}; failing: ${failing.join(', ') || 'none'} (${solved.output})`});
      ok &&= good;
      if (!good) break;
    }
  } finally {
    // Containers outlive their engine (their shims hold them): this private engine's go before it does.
    spawnSync('sh', ['-c', 'docker ps -aq | xargs -r docker rm -f'], {stdio: 'ignore', timeout: 60_000});
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
