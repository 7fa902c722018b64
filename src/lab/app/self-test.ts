/**
 * `lab exercise test`: proves a lab's checks on a fresh environment with its own engine. For every step, in
 * order: its checks fail before the step is done; each near-miss mutation is rejected by the checks it targets;
 * after the step's solve script, every check passes.
 */
import {chmodSync, mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Environment} from '../../environment/environment.js';
import {makePrivateEngine} from '../../engine/control/private-engine.js';
import {packageRoot} from '../../common/package-root.js';
import type {Exercise, StepDef} from '../exercises/types.js';
import {collect} from '../grading/collect.js';
import {evaluate, snapshotRequest} from '../grading/run-checks.js';
import type {Verdict} from '../../../graders/verdict.js';
import {LocalProvider} from '../providers/local.js';
import {makeParams, paramEnv, type Params} from '../session/params.js';
import {freeTcpPort} from '../../common/free-port.js';
import {prepareFiles, prepareImages} from '../session/prepare.js';
import {recordCleanup} from '../session/cleanup-record.js';
import {createSession, loadSession, saveSession, stateDir} from '../session/session.js';
import {addMirror, startRegistry, stopRegistry} from '../registry/index.js';
import {removeAbandonedSandboxes, SELF_TEST_PREFIX} from '../homework/abandoned-sandboxes.js';

export interface SelfTestLine {
  step: string;
  phase: 'before' | 'mutation' | 'solve';
  name: string;
  ok: boolean;
  detail: string;
}

/** Where one self-test runs: the private engine's socket, and the state folder its `lab` commands keep sessions in. */
interface Place {
  socket: string;
  state: string;
}

async function checkStep(ex: Exercise, step: StepDef, place: Place): Promise<Map<string, Verdict>> {
  // Read back, not kept: the scripts record answers with `lab answer`, into this same state folder.
  const session = {...loadSession(ex.id, place.state), progress: {}};
  const snapshot = await collect(snapshotRequest(ex, session, place.socket));
  const [result] = evaluate(ex, session, snapshot, step.id);
  return new Map(result.checks.map((c) => [c.id, c.verdict]));
}

/**
 * A student's commands run in their login session, whose login uid the kernel's audit records with each call; what
 * the engine starts (containers, docker exec) has none. The scripts stand in for the student, so they get one too
 * (where the kernel has no audit the write fails, and the script runs as it is).
 */
const asLoggedIn = 'echo 1000 > /proc/self/loginuid 2>/dev/null; exec sh "$0"';

async function script(env: Environment, ex: Exercise, path: string, params: Params): Promise<{code: number; output: string}> {
  const r = await env.exec(['sh', '-c', asLoggedIn, join(ex.dir, path)], {cwd: env.workdir, timeoutMs: 300_000, env: {LAB_EXERCISE_DIR: ex.dir, ...paramEnv(params)}});
  return {code: r.code, output: (r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ')};
}

export async function selfTest(ex: Exercise, report: (line: SelfTestLine) => void, progress: (m: string) => void): Promise<boolean> {
  // What a self-test killed earlier (SIGKILL, a CI job cancelled) left running goes first.
  for (const dir of await removeAbandonedSandboxes(progress, undefined, SELF_TEST_PREFIX)) progress(`removed ${dir}`);
  const engine = makePrivateEngine({prefix: `${SELF_TEST_PREFIX}${ex.id}-`});
  const {dir} = engine;
  const xdgState = join(dir, 'state');
  const place: Place = {socket: engine.socket, state: stateDir(xdgState)};
  let ok = true;
  let cleanup: (() => Promise<unknown>) | undefined;
  const registryDir = ex.watch?.registryRepos ? join(dir, 'registry') : undefined;
  try {
    // Scripts type `lab` and `docker` as a student would: both must reach this private setup.
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'lab'), `#!/bin/sh\nexec "${process.execPath}" "${join(packageRoot(), 'bin', 'run.js')}" "$@"\n`);
    chmodSync(join(dir, 'bin', 'lab'), 0o755);
    const commandEnv = {DOCKER_HOST: engine.host, DOCKER_BUILDKIT: '0', XDG_STATE_HOME: xdgState, PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`};
    const params = makeParams(ex, {dir, freePort: await freeTcpPort()});
    // Killed from here on, this run's machine-wide changes are still undone by the next run's sweep.
    recordCleanup(dir, ex, params);
    // Images the student pulls (neither loaded nor handed over) come from a course registry of this run's own,
    // the engine's mirror, as lab start serves them.
    const pulled = (ex.images ?? []).filter((i) => !i.load && !i.saveAs).map((i) => i.recipe);
    if (pulled.length > 0) {
      const {ensureCourseRegistry, stopRegistry} = await import('../registry/index.js');
      const registryDir = join(dir, 'registry');
      const stop = () => stopRegistry(registryDir);
      const before = cleanup;
      cleanup = async () => Promise.all([before?.(), stop()]);
      await ensureCourseRegistry({dir: registryDir, images: pulled, daemonJson: engine.configFile, progress});
    }
    progress('starting a private engine');
    if (registryDir) {
      // A lab that grades pushes gets a course registry of its own (empty, on a free port) as its engine's mirror.
      const registry = await startRegistry({dir: registryDir});
      await addMirror(engine.configFile, registry.url);
      progress(`course registry: ${registry.url}`);
    }
    if (ex.service) {
      // A private service options file with every flag in it, so a restart keeps to the private paths.
      const optionsFile = join(dir, 'default-docker');
      const o = engine.options;
      writeFileSync(optionsFile, `# This engine's flags (a private copy of ${ex.service.optionsFile}).\nDOCKER_OPTS="-H ${engine.host} --data-root ${o.dataRoot} --exec-root ${o.execRoot} --config-file ${o.configFile}"\n`);
      await engine.start({optionsFile});
    } else await engine.start();
    const envName = `selftest-${ex.id}`;
    const env = await new LocalProvider({env: commandEnv}).start({name: envName, workdir: join(dir, 'work')});
    if (ex.cleanup) {
      const registry = cleanup;
      cleanup = async () => Promise.all([script(env, ex, ex.cleanup!, params), registry?.()]);
    }
    progress('preparing images and files');
    const images = await prepareImages(env, ex, progress);
    await prepareFiles(env, ex, progress, params);
    saveSession(createSession({lab: ex.id, provider: 'local', envName, workdir: env.workdir, lang: 'en', student: 'self-test', images, params}), place.state);
    for (const step of ex.steps) {
      const before = await checkStep(ex, step, place);
      const guards = new Set(step.checks.filter((c) => c.guard).map((c) => c.id));
      const passedEarly = [...before].filter(([id, v]) => v.pass && !guards.has(id)).map(([id]) => id);
      report({step: step.id, phase: 'before', name: 'checks fail on a fresh environment', ok: passedEarly.length === 0, detail: passedEarly.length ? `already passing: ${passedEarly.join(', ')}` : `${before.size} failing`});
      ok &&= passedEarly.length === 0;
      for (const m of step.mutations ?? []) {
        const r = await script(env, ex, m.script, params);
        const after = await checkStep(ex, step, place);
        const accepted = m.rejects.filter((id) => after.get(id)?.pass);
        // The reason each check gave, so an author sees a near miss is rejected for the right reason.
        const why = m.rejects.map((id) => `${id}: ${after.get(id)?.observed ?? '?'}`).join('; ');
        report({step: step.id, phase: 'mutation', name: m.id, ok: accepted.length === 0, detail: accepted.length ? `not rejected by: ${accepted.join(', ')} (script exit ${r.code}: ${r.output})` : `rejected by ${why}`});
        ok &&= accepted.length === 0;
        if (m.undo) await script(env, ex, m.undo, params);
      }
      const solved = await script(env, ex, step.solve, params);
      const after = await checkStep(ex, step, place);
      const failing = [...after].filter(([, v]) => !v.pass).map(([id, v]) => `${id} (${v.observed})`);
      const good = solved.code === 0 && failing.length === 0;
      report({step: step.id, phase: 'solve', name: step.solve, ok: good, detail: good ? `${after.size} passing` : `exit ${solved.code}; failing: ${failing.join(', ') || 'none'} (${solved.output})`});
      ok &&= good;
      if (!good) break;
    }
  } finally {
    // What the steps left running by hand goes first (a pass or not); containers go with the engine.
    await cleanup?.().catch(() => undefined);
    if (registryDir) await stopRegistry(registryDir).catch(() => undefined);
    // Containers outlive their engine (their shims hold them): this private engine's go before it does.
    await engine.dispose();
  }
  return ok;
}
