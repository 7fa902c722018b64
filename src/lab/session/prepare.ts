/**
 * Getting an environment ready for a lab: the engine running, the lab's images built from their recipes and
 * loaded (or handed over as tar files), the student's files copied in, and the lab's prepare scripts run.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Exercise} from '../exercises/types.js';
import type {Environment} from '../../environment/environment.js';
import {labCommandIn, packageRootIn} from '../providers/package-in-env.js';
import {paramEnv, type Params} from './params.js';
import {copyBakedArchive, pullFromCourseRegistry} from './registry-images.js';

export type Progress = (message: string) => void;

export async function run(env: Environment, argv: string[], what: string, opts: {cwd?: string; env?: Record<string, string>; timeoutMs?: number} = {}): Promise<string> {
  const r = await env.exec(argv, {timeoutMs: 600_000, ...opts});
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join('\n')}`);
  return r.stdout;
}

/** A DOCKER_OPTS line is added when the options file has none (Debian's docker.io ships it all comments). */
const addOptionsLine = `grep -qE '^[[:space:]]*(export[[:space:]]+)?DOCKER_OPTS=' "$1" 2>/dev/null || {
  mkdir -p "$(dirname "$1")"
  printf '\n# The flags the container engine starts with; lab engine restart reads them again.\nDOCKER_OPTS="%s"\n' "$2" >> "$1"
}`;

interface EngineState {
  running?: boolean;
  optionsFile?: string | null;
  configFile?: string | null;
}

/**
 * `lab engine status` in the environment. The CLI loads slowly in a VM under emulation on a busy host: it gets time,
 * and a status that never came is an error, never read as "not running" (a start would then find it running).
 */
async function engineState(env: Environment): Promise<EngineState> {
  const status = await env.exec([...labCommandIn(env), 'engine', 'status', '--json'], {timeoutMs: 180_000});
  if (!status.stdout.trim()) throw new Error(`lab engine status gave no answer (exit ${status.code}): ${status.stderr.trim().split('\n').slice(-3).join('\n')}`);
  return JSON.parse(status.stdout) as EngineState;
}

/** The engine as a service: started from its options file, so `lab engine restart` re-reads it (and daemon.json). */
async function ensureService(env: Environment, service: NonNullable<Exercise['service']>, progress: Progress): Promise<void> {
  await run(env, ['sh', '-c', addOptionsLine, 'sh', service.optionsFile, service.opts], `writing DOCKER_OPTS to ${service.optionsFile}`);
  // Where Docker is installed its configuration folder exists; students write daemon.json into it.
  await run(env, ['mkdir', '-p', '/etc/docker'], 'creating /etc/docker');
  const lab = labCommandIn(env);
  const state = await engineState(env);
  if (state.running && state.optionsFile === service.optionsFile) return;
  if (state.running) {
    progress(`restarting the container engine with its flags from ${service.optionsFile}`);
    await run(env, [...lab, 'engine', 'stop'], 'stopping the engine');
  } else progress(`starting the container engine with its flags from ${service.optionsFile}`);
  try {
    await run(env, [...lab, 'engine', 'start', '--options-file', service.optionsFile], 'starting the engine');
  } catch (error) {
    // Started meanwhile from the same options file (a VM's boot does so): that engine is the one wanted.
    const now = await engineState(env).catch(() => ({}) as EngineState);
    if (!(now.running && now.optionsFile === service.optionsFile)) throw error;
  }
}

export async function ensureEngine(env: Environment, progress: Progress, service?: Exercise['service']): Promise<void> {
  if (service) return ensureService(env, service, progress);
  // The provider saw it answer a moment ago (a lab VM's console says so): no round trip to ask again.
  if (env.engineReady) return;
  const ping = await env.exec(['docker', 'version', '--format', '{{.Server.APIVersion}}'], {timeoutMs: 15_000});
  if (ping.code === 0) return;
  progress('starting the container engine');
  await run(env, [...labCommandIn(env), 'engine', 'start'], 'starting the engine');
}

/**
 * The course registry (lab/registry/) next to the engine, on the environment's machine, as the engine's mirror:
 * `docker pull postgres` there works without the internet. Local and ssh environments: started here. A lab VM
 * has it baked into its image (vm/build/course-registry.ts), started at boot with every course image already in
 * it. LAB_COURSE_REGISTRY=off leaves it out; LAB_COURSE_IMAGES=a,b serves only those recipes (default: every
 * one, built from Debian packages on the first start, cached after).
 */
export async function ensureCourseRegistry(env: Environment, progress: Progress): Promise<void> {
  if (env.provider === 'qemu' || env.provider === 'libvirt') return progress('course registry: in the VM since its boot, its images baked into the VM image');
  if (process.env.LAB_COURSE_REGISTRY === 'off') return;
  // A machine without the registry's tools still runs the lab; only pulls of the lectures' images are missing.
  const tools = await env.exec(['sh', '-c', 'command -v docker-registry && command -v skopeo'], {timeoutMs: 15_000});
  if (tools.code !== 0) {
    progress('course registry: left out, as docker-registry or skopeo is not installed there (apt-get install docker-registry skopeo, or lab doctor --fix there)');
    return;
  }
  const lab = labCommandIn(env);
  const status = await engineState(env);
  const daemonJson = status.configFile ?? '/etc/docker/daemon.json';
  const images = process.env.LAB_COURSE_IMAGES ? ['--images', process.env.LAB_COURSE_IMAGES] : [];
  progress('course registry: the lectures\' images (built from Debian packages the first time, cached after)');
  const out = await run(env, [...lab, 'registry', 'start', '--json', '--daemon-json', daemonJson, ...images], 'starting the course registry', {timeoutMs: 3_600_000});
  const registry = JSON.parse(out) as {url: string; daemonJsonChanged: boolean; references: string[]};
  progress(`course registry: ${registry.url} serves ${registry.references.join(', ')}`);
  if (registry.daemonJsonChanged && status.running) {
    progress(`restarting the container engine: ${daemonJson} now names the course registry as its mirror`);
    await run(env, [...lab, 'engine', 'restart'], 'restarting the engine');
  }
}

/**
 * The archives a lab hands the student (saveAs, not loaded) that the VM image carries: copied inside the VM, which
 * needs no engine, so a VM's start does it while its engine starts. Returns the recipes now in place.
 */
export async function placeBakedArchives(env: Environment, ex: Exercise, progress: Progress): Promise<Set<string>> {
  const placed = new Set<string>();
  const saved = (ex.images ?? []).filter((i) => i.saveAs && !i.load);
  if (saved.length === 0) return placed;
  const {buildImageArchive} = await import('../../debian-images/index.js');
  for (const image of saved) {
    const built = await buildImageArchive(image.recipe, {format: 'docker'});
    if (await copyBakedArchive(env, image.recipe, built.imageId, join(env.workdir, image.saveAs!))) {
      progress(`image ${image.recipe}: ${image.saveAs} copied from the VM image's own archive`);
      placed.add(image.recipe);
    }
  }
  return placed;
}

/** `placed`: recipes whose saveAs archive placeBakedArchives already put in the work dir. */
export async function prepareImages(env: Environment, ex: Exercise, progress: Progress, placed: Set<string> = new Set()): Promise<Record<string, {id: string}>> {
  const {buildImageArchive} = await import('../../debian-images/index.js');
  const images: Record<string, {id: string}> = {};
  for (const image of ex.images ?? []) {
    if (placed.has(image.recipe)) {
      images[image.recipe] = {id: (await buildImageArchive(image.recipe, {format: 'docker'})).imageId};
      continue;
    }
    progress(`image ${image.recipe}: building from Debian packages (cached after the first time)`);
    const built = await buildImageArchive(image.recipe, {format: 'docker'});
    images[image.recipe] = {id: built.imageId};
    if (image.load && !image.saveAs && (await pullFromCourseRegistry(env, built.repoTags, built.imageId))) {
      progress(`image ${image.recipe}: pulled from the course registry there`);
      continue;
    }
    // An image the student pulls from the course registry needs its ID only (the graders compare with it): its
    // archive is never sent (postgres's is hundreds of MB, minutes over SSH into a VM under TCG).
    if (!image.load && !image.saveAs) continue;
    const target = image.saveAs ? join(env.workdir, image.saveAs) : join('/tmp', `lab-${image.recipe}.tar`);
    const copiedInside = image.saveAs !== undefined && (await copyBakedArchive(env, image.recipe, built.imageId, target));
    if (copiedInside) progress(`image ${image.recipe}: ${image.saveAs} copied from the VM image's own archive`);
    else if (env.provider !== 'local' || image.saveAs) await env.writeFile(target, readFileSync(built.path), 0o644);
    if (image.load) {
      progress(`image ${image.recipe}: loading into the engine`);
      await run(env, ['docker', 'load', '-i', env.provider === 'local' && !image.saveAs ? built.path : target], `docker load of ${image.recipe}`);
    }
  }
  return images;
}

/**
 * The lab's files, then its prepare scripts. `part`: 'before-engine' is the files and the scripts that need no
 * engine (what a VM's start does while its engine starts), 'after-engine' the remaining scripts; 'all' both.
 */
export async function prepareFiles(env: Environment, ex: Exercise, progress: Progress, params?: Params, part: 'all' | 'before-engine' | 'after-engine' = 'all'): Promise<void> {
  if (part !== 'after-engine') {
    for (const f of ex.files ?? []) {
      await env.writeFile(join(env.workdir, f.to), readFileSync(join(ex.dir, f.from)), f.mode ? parseInt(f.mode, 8) : 0o644);
    }
  }
  const exerciseDir = join(packageRootIn(env), 'exercises', ex.id);
  const wanted = (p: {needsEngine?: boolean}) => part === 'all' || (part === 'before-engine') === (p.needsEngine === false);
  for (const p of (ex.prepare ?? []).filter(wanted)) {
    progress(p.description ?? p.script);
    await run(env, ['sh', join(exerciseDir, p.script)], p.script, {cwd: env.workdir, env: {LAB_EXERCISE_DIR: exerciseDir, DOCKER_BUILDKIT: '0', ...paramEnv(params)}});
  }
}

/** The lab's cleanup script when it asks for it at destroy, where its environment stays after the lab (this machine, an SSH host). */
export async function cleanupLab(env: Environment, ex: Exercise, params?: Params): Promise<void> {
  if (!ex.cleanup || !ex.cleanupOnDestroy) return;
  const exerciseDir = join(packageRootIn(env), 'exercises', ex.id);
  await run(env, ['sh', join(exerciseDir, ex.cleanup)], ex.cleanup, {cwd: env.workdir, env: {LAB_EXERCISE_DIR: exerciseDir, ...paramEnv(params)}});
}
