/**
 * Where a stage stands between steps: the image it has reached (an ID once any step committed), that image's
 * config, and the ARGs in scope. Also the variable rules: ENV wins over ARG, build args over ARG defaults.
 */
import {arch} from 'node:os';
import type {ContainerConfig, ImageConfig} from '../model/image-config.js';
import type {ImageRecord} from '../images/image-store.js';
import {chainIds} from '../images/digest.js';
import {defaultShell, envValue, goQuoted} from '../dockerfile/config-values.js';
import type {Lookup} from '../dockerfile/shell-words.js';

export const defaultPath = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';


/** Usable without an ARG line, passed to RUN, and kept out of the image history (Docker's rule for proxies). */
export const proxyArgs = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);

export function goArch(): string {
  const a = arch();
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

/** The platform ARGs, there for `FROM --platform=$BUILDPLATFORM` and `ARG TARGETARCH` lines; builds are always native. */
export function platformArgs(): Map<string, string> {
  const platform = `linux/${goArch()}`;
  const values: Array<[string, string]> = [];
  for (const side of ['BUILD', 'TARGET']) {
    values.push([`${side}PLATFORM`, platform], [`${side}OS`, 'linux'], [`${side}ARCH`, goArch()], [`${side}VARIANT`, '']);
  }
  return new Map(values);
}

export interface StageState {
  index: number;
  name?: string;
  /** The image the last step produced (or the base image); undefined while a FROM scratch stage has no step yet. */
  imageId?: string;
  image: ImageConfig;
  /** ARGs declared in this stage; undefined = declared without a value. */
  args: Map<string, string | undefined>;
  /** CMD was set in this stage, so a later ENTRYPOINT keeps it. */
  cmdSet: boolean;
}

export function scratchImage(): ImageConfig {
  return {architecture: goArch(), os: 'linux', config: {}, rootfs: {type: 'layers', diff_ids: []}, history: []};
}

/** A stage starting on an image (or on nothing, for scratch). The base's ONBUILD triggers are the caller's to run. */
export function beginStage(index: number, name: string | undefined, base: {id?: string; config: ImageConfig}): StageState {
  const image = JSON.parse(JSON.stringify(base.config)) as ImageConfig;
  delete image.container;
  delete image.container_config;
  image.config = {...image.config};
  // Loaded images may lack history; one entry per layer keeps `docker history` rows lined up with layers.
  image.history ??= image.rootfs.diff_ids.map(() => ({created: image.created}));
  const env = image.config.Env ?? [];
  if (!env.some((e) => e.startsWith('PATH='))) image.config.Env = [defaultPath, ...env];
  return {index, name, imageId: base.id, image, args: new Map(), cmdSet: false};
}

export function adoptImage(state: StageState, record: ImageRecord): void {
  state.imageId = record.id;
  state.image = JSON.parse(JSON.stringify(record.config)) as ImageConfig;
}

export function configOf(state: StageState): ContainerConfig {
  return state.image.config ?? {};
}

export function topChain(state: StageState): string | undefined {
  return chainIds(state.image.rootfs.diff_ids).at(-1);
}

export function stageLookup(state: StageState): Lookup {
  return (name) => envValue(configOf(state).Env, name) ?? state.args.get(name);
}

export function shellOf(state: StageState): string[] {
  return configOf(state).Shell ?? defaultShell;
}

/** ARGs with values that ENV does not shadow, sorted: what RUN sees and what its history line records. */
function argEnv(state: StageState): string[] {
  const env = configOf(state).Env;
  return [...state.args]
    .filter(([name, value]) => value !== undefined && envValue(env, name) === undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`);
}

/** `|2 A=1 B=2`: Docker's marker in a RUN's history (and cache key) for the build args it ran with. */
export function argsPrefix(state: StageState): string {
  const list = argEnv(state);
  return list.length > 0 ? `|${list.length} ${list.join(' ')}` : '';
}

export function runEnv(state: StageState, buildArgs: Map<string, string>): string[] {
  const env = [...(configOf(state).Env ?? [])];
  const own = argEnv(state);
  for (const [name, value] of buildArgs) {
    if (proxyArgs.has(name) && !state.args.has(name) && envValue(env, name) === undefined) own.push(`${name}=${value}`);
  }
  return [...env, ...own];
}
