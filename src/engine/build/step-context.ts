/** What a step needs from the build it belongs to: the stores, the output, the context, the options. */
import type {ContainerManager} from '../containers/manager.js';
import type {ContainerConfig} from '../model/image-config.js';
import type {ImageStore} from '../images/image-store.js';
import {cachedFromSources, type CacheSources} from './cache-from.js';
import {findCached} from './commit.js';
import type {Instruction} from '../dockerfile/instructions.js';
import type {BuildOutput} from './output.js';
import {adoptImage, type StageState} from './state.js';

export interface SourceRoot {
  root: string;
  /** For messages: "build context", `stage "build"`, `image "busybox"`. */
  label: string;
  release(): Promise<void>;
}

/** The container settings `docker build` may give its RUN steps: limits, hosts, network (HostConfig's names). */
export interface RunLimits {
  Memory?: number;
  MemorySwap?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  /** `docker build --add-host`: /etc/hosts entries of every RUN container. */
  ExtraHosts?: string[];
  /** `docker build --network`: the RUN containers' network (the default bridge unless asked). */
  NetworkMode?: string;
}

export interface StepContext {
  images: ImageStore;
  containers: ContainerManager;
  out: BuildOutput;
  /** The unpacked build context. */
  contextRoot: string;
  /** Private scratch space (inside the build's temp dir). */
  tmpDir: string;
  /** Where BuildRoots mount their overlays (<exec-root>/build). */
  mountRoot: string;
  noCache: boolean;
  /** `--cache-from`: when given, only these images (and their ancestors) are the cache. */
  cacheFrom?: CacheSources;
  /** Remove each RUN container when its step ends, whether it succeeded or not (rm, forcerm). */
  removeContainers: boolean;
  buildArgs: Map<string, string>;
  /** Resource limits for RUN containers (`docker build --memory` and the like). */
  runLimits: RunLimits;
  signal: AbortSignal;
  /** The filesystem of an earlier stage or of an image, for COPY --from. */
  openSource(from: string, ins: Instruction): Promise<SourceRoot>;
}

/** Moves the stage onto a cached image when the step was done before; says so in the output. */
export function tryCache(ctx: StepContext, state: StageState, createdBy: string, config: ContainerConfig): boolean {
  if (ctx.noCache) return false;
  const hit = ctx.cacheFrom ? cachedFromSources(ctx.images, state, createdBy, config, ctx.cacheFrom) : findCached(ctx.images, state, createdBy, config);
  if (!hit) return false;
  adoptImage(state, hit);
  ctx.out.stream(' ---> Using cache\n');
  return true;
}
