/**
 * The legacy builder's walk through a Dockerfile: `Step N/M : ...` for each instruction, every step committed
 * as an image on top of the previous one (or taken from the cache), stages one after the other, and at the end
 * the result's ID and its tags. Each kind of step lives in its own file; this one holds the order of things.
 */
import {join} from 'node:path';
import type {Readable} from 'node:stream';
import type {ContainerManager} from '../containers/manager.js';
import type {EventBus} from '../events/event-bus.js';
import {shortId} from '../images/digest.js';
import type {ImageStore} from '../images/image-store.js';
import type {ContainerConfig} from '../model/image-config.js';
import {formatReference, parseReference, type Reference} from '../images/reference.js';
import {LayerError} from '../layers/index.js';
import type {Credentials} from '../registry/auth.js';
import {parsePlatform} from '../registry/manifest.js';
import type {RegistryOptions} from '../registry/options.js';
import {pullImage} from '../registry/pull.js';
import {RegistryError} from '../registry/registry-error.js';
import {BuildRoot} from './build-root.js';
import {commitStep, currentConfig} from './commit.js';
import {readDockerfile, receiveContext, type BuildContext} from './context.js';
import {copyStep} from './copy-step.js';
import {at, BuildError, SyntaxProblem} from '../dockerfile/errors.js';
import {toInstruction, type Instruction, type InstructionOf} from '../dockerfile/instructions.js';
import {applyMetadata, metadataKinds, type MetadataInstruction} from '../dockerfile/metadata.js';
import type {BuildOutput} from './output.js';
import {parseDockerfile} from '../dockerfile/parser.js';
import {runStep} from './run-step.js';
import {expandWord, type Lookup} from '../dockerfile/shell-words.js';
import {planBuild, type BuildPlan, type Stage} from './stages.js';
import {beginStage, configOf, platformArgs, proxyArgs, scratchImage, shellOf, stageLookup, topChain, type StageState} from './state.js';
import {tryCache, type RunLimits, type SourceRoot, type StepContext} from './step-context.js';
import {ensureDirectory} from './copy-files.js';

export interface BuildOptions {
  dockerfile: string;
  tags: Reference[];
  quiet: boolean;
  noCache: boolean;
  /** `--cache-from` names; those that name no image are skipped, as dockerd skips them. */
  cacheFrom?: string[];
  /** rm || forcerm: RUN containers are removed when their step ends. */
  removeContainers: boolean;
  /** `--build-arg` values; a name sent without a value (null) is left out. */
  buildArgs: Map<string, string>;
  labels: Record<string, string>;
  target?: string;
  /** `docker build --memory --memory-swap --cpu-* --cpuset-cpus`: limits every RUN container gets. */
  runLimits?: RunLimits;
  /** Credentials for a registry a FROM pulls from (the CLI's X-Registry-Config). */
  registryAuth?: (ref: Reference) => Credentials;
}

/** What a build uses of the engine: its stores, its events, and where it keeps files. */
export interface BuildEngine {
  images: ImageStore;
  containers: ContainerManager;
  events: EventBus;
  config: {dataRoot: string; execRoot: string; registry: RegistryOptions};
}

export const buildMountRoot = (engine: Pick<BuildEngine, 'config'>) => join(engine.config.execRoot, 'build');


class Builder {
  private readonly results = new Map<string, StageState>();
  private readonly globalArgs = platformArgs() as Map<string, string | undefined>;
  /** Build-arg names some ARG line declared; the rest get the "not consumed" warning. */
  private readonly declared = new Set<string>();
  private step = 0;
  private readonly ctx: StepContext;

  constructor(
    private readonly engine: BuildEngine,
    context: BuildContext,
    private readonly plan: BuildPlan,
    private readonly opts: BuildOptions,
    private readonly out: BuildOutput,
    signal: AbortSignal,
  ) {
    this.ctx = {
      images: engine.images,
      containers: engine.containers,
      out,
      contextRoot: context.root,
      tmpDir: join(context.dir, 'scratch'),
      mountRoot: buildMountRoot(engine),
      noCache: opts.noCache,
      cacheFrom: opts.cacheFrom && opts.cacheFrom.length > 0 ? {images: opts.cacheFrom.flatMap((name) => engine.images.find(name) ?? [])} : undefined,
      removeContainers: opts.removeContainers,
      buildArgs: opts.buildArgs,
      runLimits: opts.runLimits ?? {},
      signal,
      openSource: (from, ins) => this.openSource(from, ins),
    };
  }

  private print(ins: Instruction): void {
    this.out.stream(`Step ${++this.step}/${this.plan.totalSteps} : ${ins.source.original}\n`);
  }

  private expand(ins: Instruction, text: string, lookup: Lookup): string {
    try {
      return expandWord(text, lookup, ins.escape);
    } catch (error) {
      if (error instanceof SyntaxProblem) throw at(ins.source, `${ins.kind}: ${error.message}`);
      throw error;
    }
  }

  async run(): Promise<string> {
    const globalLookup: Lookup = (name) => this.globalArgs.get(name);
    for (const meta of this.plan.metaArgs) {
      this.print(meta);
      for (const arg of meta.args) {
        this.declared.add(arg.name);
        const value = this.opts.buildArgs.get(arg.name) ?? (arg.value === undefined ? undefined : this.expand(meta, arg.value, globalLookup));
        this.globalArgs.set(arg.name, value);
      }
    }
    let last: StageState | undefined;
    for (const stage of this.plan.stages) {
      if (this.ctx.signal.aborted) throw new BuildError('the build was canceled');
      last = await this.runStage(stage);
    }
    const id = last?.imageId;
    if (!id) throw new BuildError('No image was generated. Is your Dockerfile empty? (a FROM scratch stage needs at least one more instruction)');
    const unused = [...this.opts.buildArgs.keys()].filter((n) => !this.declared.has(n) && !proxyArgs.has(n)).sort();
    if (unused.length > 0) this.out.stream(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
    this.out.aux(id);
    this.out.stream(`Successfully built ${shortId(id)}\n`);
    for (const ref of this.opts.tags) {
      this.engine.images.tag(id, ref);
      this.engine.events.emit('image', 'tag', id, {name: formatReference(ref)});
      this.out.stream(`Successfully tagged ${formatReference(ref)}\n`);
    }
    return id;
  }

  private async runStage(stage: Stage): Promise<StageState> {
    this.print(stage.from);
    const state = await this.beginFrom(stage);
    this.out.stream(` ---> ${state.imageId ? shortId(state.imageId) : ''}\n`);
    await this.runTriggers(state, stage);
    for (const ins of stage.commands) {
      if (this.ctx.signal.aborted) throw new BuildError('the build was canceled');
      this.print(ins);
      await this.dispatch(state, ins);
      this.out.stream(` ---> ${state.imageId ? shortId(state.imageId) : ''}\n`);
    }
    this.results.set(String(stage.index), state);
    if (stage.name) this.results.set(stage.name, state);
    return state;
  }

  private async beginFrom(stage: Stage): Promise<StageState> {
    const from = stage.from;
    const name = this.expand(from, from.image, (n) => this.globalArgs.get(n));
    if (name === '') throw at(from.source, `base name (${from.image}) should not be blank`);
    if (name.toLowerCase() === 'scratch') return beginStage(stage.index, stage.name, {config: scratchImage()});
    const earlier = this.results.get(name.toLowerCase());
    if (earlier && !/^\d+$/.test(name)) return beginStage(stage.index, stage.name, {id: earlier.imageId, config: earlier.image});
    const image = await this.findOrPull(from, name);
    return beginStage(stage.index, stage.name, {id: image.id, config: image.config});
  }

  /** A local image, or else one pulled from its registry as dockerd's builder does, its progress in the build's output. */
  private async findOrPull(ins: Instruction, name: string) {
    const local = this.findImage(ins, name);
    if (local) return local;
    let ref;
    try {
      ref = parseReference(name);
    } catch (error) {
      throw at(ins.source, `${ins.kind} ${name}: ${(error as Error).message}`);
    }
    try {
      const pulled = await pullImage(this.engine.images, this.engine.config.registry, {ref, creds: this.opts.registryAuth?.(ref) ?? {}, platform: parsePlatform(undefined), signal: this.ctx.signal}, (m) => this.out.progress(m));
      return this.engine.images.get(pulled.id)!;
    } catch (error) {
      if (error instanceof RegistryError || error instanceof LayerError) throw at(ins.source, error.message);
      throw error;
    }
  }

  /** A local image by name or ID; no registry is asked. An ambiguous short ID is the instruction's error. */
  private findImage(ins: Instruction, name: string) {
    try {
      return this.engine.images.find(name);
    } catch (error) {
      throw at(ins.source, `${ins.kind} ${name}: ${(error as Error).message}`);
    }
  }

  /** The base image's ONBUILD lines run right after FROM, and are not inherited further. */
  private async runTriggers(state: StageState, stage: Stage): Promise<void> {
    const triggers = configOf(state).OnBuild ?? [];
    if (state.image.config) delete state.image.config.OnBuild;
    if (triggers.length === 0) return;
    this.out.stream(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? '' : 's'}\n`);
    for (const trigger of triggers) {
      const parsed = parseDockerfile(trigger, stage.from.source.file);
      for (const line of parsed.lines) {
        const ins = toInstruction({...line, line: stage.from.source.line}, stage.from.escape);
        if (ins.kind === 'FROM' || ins.kind === 'ONBUILD' || ins.kind === 'MAINTAINER') {
          throw at(stage.from.source, `${ins.kind} isn't allowed as an ONBUILD trigger`);
        }
        await this.dispatch(state, ins);
      }
    }
  }

  private async dispatch(state: StageState, ins: Instruction): Promise<void> {
    switch (ins.kind) {
      case 'FROM':
        throw at(ins.source, 'FROM inside a stage');
      case 'ARG':
        return this.arg(state, ins);
      case 'RUN':
        return runStep(this.ctx, state, ins);
      case 'COPY':
      case 'ADD':
        return copyStep(this.ctx, state, ins);
      case 'WORKDIR':
        return this.workdir(state, ins);
      default:
        if (!metadataKinds.has(ins.kind)) throw at(ins.source, `unsupported instruction ${ins.kind}`);
        return this.metadata(state, ins as MetadataInstruction);
    }
  }

  private commitConfigOnly(state: StageState, text: string, config: ContainerConfig, author?: string): void {
    const createdBy = `${shellOf(state).join(' ')} #(nop)  ${text}`;
    if (tryCache(this.ctx, state, createdBy, JSON.parse(JSON.stringify(config)))) return;
    commitStep(this.engine.images, state, {createdBy, config, author});
  }

  private metadata(state: StageState, ins: MetadataInstruction): void {
    const result = applyMetadata(ins, currentConfig(state), stageLookup(state), state.cmdSet);
    if (result.cmdSet) state.cmdSet = true;
    this.commitConfigOnly(state, result.text, result.config, result.author);
  }

  private arg(state: StageState, ins: InstructionOf<'ARG'>): void {
    const shown: string[] = [];
    for (const arg of ins.args) {
      this.declared.add(arg.name);
      // A default written in the stage wins over the global one; a --build-arg wins over both.
      const own = arg.value === undefined ? undefined : this.expand(ins, arg.value, stageLookup(state));
      state.args.set(arg.name, this.opts.buildArgs.get(arg.name) ?? (arg.value === undefined ? this.globalArgs.get(arg.name) : own));
      shown.push(own === undefined ? arg.name : `${arg.name}=${own}`);
    }
    this.commitConfigOnly(state, `ARG ${shown.join(' ')}`, currentConfig(state));
  }

  /** WORKDIR also creates the directory (root-owned, 0755) when the image lacks it: that is a layer. */
  private async workdir(state: StageState, ins: InstructionOf<'WORKDIR'>): Promise<void> {
    const result = applyMetadata(ins, currentConfig(state), stageLookup(state), state.cmdSet);
    const createdBy = `${shellOf(state).join(' ')} #(nop)  ${result.text}`;
    if (tryCache(this.ctx, state, createdBy, result.config)) return;
    const root = await BuildRoot.open(this.engine.images.layers, topChain(state), this.ctx.mountRoot);
    try {
      try {
        ensureDirectory(root.root, result.config.WorkingDir!, {uid: 0, gid: 0});
      } catch (error) {
        throw at(ins.source, `WORKDIR: ${(error as Error).message}`);
      }
      const changes = await root.changes();
      let diffId: string | undefined;
      if (changes) {
        const staged = await this.engine.images.layers.stage(changes);
        this.engine.images.layers.commit(staged, topChain(state));
        diffId = staged.diffId;
      }
      commitStep(this.engine.images, state, {createdBy, config: result.config, diffId});
    } finally {
      await root.discard();
    }
  }

  private async openSource(from: string, ins: Instruction): Promise<SourceRoot> {
    const key = from.toLowerCase();
    const current = this.plan.stages.find((s) => s.commands.includes(ins));
    if (current && (key === current.name || key === String(current.index))) {
      throw at(ins.source, `invalid from flag value ${from}: a stage cannot copy from itself`);
    }
    const stage = this.results.get(key);
    let label: string;
    let top: string | undefined;
    if (stage) {
      label = `stage "${from}"`;
      top = topChain(stage);
    } else {
      if (/^\d+$/.test(from)) throw at(ins.source, `invalid from flag value ${from}: there is no earlier stage with index ${from}`);
      const image = await this.findOrPull(ins, from);
      label = `image "${from}"`;
      top = this.engine.images.chainOf(image).at(-1);
    }
    const root = await BuildRoot.open(this.engine.images.layers, top, this.ctx.mountRoot);
    return {root: root.root, label, release: () => root.discard()};
  }
}

/** Receives the context, reads the Dockerfile and runs the build; returns the image ID. */
export async function runBuild(engine: BuildEngine, body: Readable, opts: BuildOptions, out: BuildOutput, signal: AbortSignal): Promise<string> {
  const context = await receiveContext(body, join(engine.config.dataRoot, 'tmp'));
  try {
    const dockerfile = readDockerfile(context, opts.dockerfile);
    const parsed = parseDockerfile(dockerfile.text, dockerfile.name);
    for (const warning of parsed.warnings) out.stream(`[WARNING]: ${warning}\n`);
    const plan = planBuild(parsed, dockerfile.name, {target: opts.target, labels: opts.labels});
    return await new Builder(engine, context, plan, opts, out, signal).run();
  } finally {
    context.cleanup();
  }
}
