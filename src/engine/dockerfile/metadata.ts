/**
 * The instructions that change only the image config: ENV, LABEL, CMD, ENTRYPOINT, WORKDIR, EXPOSE, USER,
 * VOLUME, STOPSIGNAL, SHELL, HEALTHCHECK, ONBUILD, MAINTAINER. Each returns the new config and the text its
 * history line records (`ENV X=1`, `CMD ["cat" "/a"]`). `applyChangeLines` is the same code for
 * `docker commit --change` and `docker import --change`.
 */
import {constants} from 'node:os';
import {posix} from 'node:path';
import type {ContainerConfig} from '../model/image-config.js';
import {at, SyntaxProblem} from './errors.js';
import {toInstruction, type Instruction} from './instructions.js';
import {parseDockerfile} from './parser.js';
import {expandWord, expandWords, type Lookup} from './shell-words.js';
import {defaultShell, envValue, goQuoted} from './config-values.js';

export type MetadataKind = 'ENV' | 'LABEL' | 'CMD' | 'ENTRYPOINT' | 'WORKDIR' | 'EXPOSE' | 'USER' | 'VOLUME' | 'STOPSIGNAL' | 'SHELL' | 'HEALTHCHECK' | 'ONBUILD' | 'MAINTAINER';
export type MetadataInstruction = Extract<Instruction, {kind: MetadataKind}>;

export const metadataKinds = new Set<string>(['ENV', 'LABEL', 'CMD', 'ENTRYPOINT', 'WORKDIR', 'EXPOSE', 'USER', 'VOLUME', 'STOPSIGNAL', 'SHELL', 'HEALTHCHECK', 'ONBUILD', 'MAINTAINER']);

export interface MetadataResult {
  config: ContainerConfig;
  /** The instruction as the history records it, after substitution. */
  text: string;
  author?: string;
  /** CMD was set (a later ENTRYPOINT in the same stage keeps it). */
  cmdSet?: boolean;
}

function setEnv(env: string[], key: string, value: string): string[] {
  const out = env.filter((e) => e !== key && !e.startsWith(`${key}=`));
  const index = env.findIndex((e) => e === key || e.startsWith(`${key}=`));
  const entry = `${key}=${value}`;
  if (index < 0) return [...out, entry];
  out.splice(index, 0, entry);
  return out;
}

const portRe = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i;

function exposedPorts(ins: Instruction, specs: string[]): string[] {
  const ports: string[] = [];
  for (const spec of specs) {
    if (spec.includes(':')) throw at(ins.source, `EXPOSE ${spec}: publishing (host:container) is done with docker run -p; EXPOSE takes a container port like 80 or 80/tcp`);
    const m = portRe.exec(spec);
    const low = m ? Number(m[1]) : NaN;
    const high = m?.[2] ? Number(m[2]) : low;
    if (!m || low < 1 || high > 65535 || high < low) throw at(ins.source, `EXPOSE: invalid port "${spec}": expected a port like 80, 80/udp or a range 8000-8010/tcp`);
    for (let p = low; p <= high; p++) ports.push(`${p}/${(m[3] ?? 'tcp').toLowerCase()}`);
  }
  return ports;
}

function checkSignal(ins: Instruction, signal: string): void {
  const name = signal.toUpperCase();
  const known = /^\d+$/.test(signal) ? Number(signal) > 0 && Number(signal) < 65 : (name.startsWith('SIG') ? name : `SIG${name}`) in constants.signals || /^SIGRTM(IN|AX)([+-]\d+)?$/.test(name.startsWith('SIG') ? name : `SIG${name}`);
  if (!known) throw at(ins.source, `STOPSIGNAL: invalid signal: ${signal}`);
}

/** Applies one metadata instruction to `config`; `lookup` sees the variables as they were before it. */
export function applyMetadata(ins: MetadataInstruction, config: ContainerConfig, lookup: Lookup, cmdSet: boolean): MetadataResult {
  const word = (text: string) => expandWord(text, lookup, ins.escape);
  const shell = config.Shell ?? defaultShell;
  const next: ContainerConfig = {...config};
  try {
    switch (ins.kind) {
      case 'ENV': {
        let env = [...(config.Env ?? [])];
        const shown: string[] = [];
        for (const {key, value} of ins.pairs) {
          const k = word(key);
          const v = word(value);
          if (k === '') throw at(ins.source, 'ENV names can not be blank');
          env = setEnv(env, k, v);
          shown.push(`${k}=${v}`);
        }
        next.Env = env;
        return {config: next, text: `ENV ${shown.join(' ')}`};
      }
      case 'LABEL': {
        const labels = {...(config.Labels ?? {})};
        const shown: string[] = [];
        for (const {key, value} of ins.pairs) {
          const k = word(key);
          if (k === '') throw at(ins.source, 'LABEL names can not be blank');
          labels[k] = word(value);
          shown.push(`${k}=${labels[k]}`);
        }
        next.Labels = labels;
        return {config: next, text: `LABEL ${shown.join(' ')}`};
      }
      case 'CMD': {
        next.Cmd = ins.exec ?? [...shell, ins.shell!];
        return {config: next, text: `CMD ${goQuoted(next.Cmd)}`, cmdSet: true};
      }
      case 'ENTRYPOINT': {
        next.Entrypoint = ins.exec ?? [...shell, ins.shell!];
        // A new entrypoint drops the base image's CMD, which was written for the old one.
        if (!cmdSet) next.Cmd = null;
        return {config: next, text: `ENTRYPOINT ${goQuoted(next.Entrypoint)}`};
      }
      case 'WORKDIR': {
        const dir = word(ins.value);
        next.WorkingDir = posix.normalize(posix.isAbsolute(dir) ? dir : posix.join(config.WorkingDir || '/', dir));
        if (next.WorkingDir.length > 1) next.WorkingDir = next.WorkingDir.replace(/\/+$/, '');
        return {config: next, text: `WORKDIR ${next.WorkingDir}`};
      }
      case 'EXPOSE': {
        const specs = ins.ports.flatMap((p) => expandWords(p, lookup, ins.escape));
        next.ExposedPorts = {...(config.ExposedPorts ?? {})};
        for (const p of exposedPorts(ins, specs)) next.ExposedPorts[p] = {};
        return {config: next, text: `EXPOSE ${specs.join(' ')}`};
      }
      case 'USER': {
        next.User = word(ins.value);
        if (next.User === '') throw at(ins.source, 'USER requires a user name or ID');
        return {config: next, text: `USER ${next.User}`};
      }
      case 'VOLUME': {
        const paths = ins.json ? ins.paths.map(word) : ins.paths.flatMap((p) => expandWords(p, lookup, ins.escape));
        next.Volumes = {...(config.Volumes ?? {})};
        for (const p of paths) {
          if (p.trim() === '') throw at(ins.source, 'VOLUME specified can not be an empty string');
          next.Volumes[p] = {};
        }
        return {config: next, text: `VOLUME [${paths.join(' ')}]`};
      }
      case 'STOPSIGNAL': {
        const signal = word(ins.value);
        checkSignal(ins, signal);
        next.StopSignal = signal;
        return {config: next, text: `STOPSIGNAL ${signal}`};
      }
      case 'SHELL':
        next.Shell = ins.shell;
        return {config: next, text: `SHELL ${goQuoted(ins.shell)}`};
      case 'HEALTHCHECK': {
        const c = ins.check;
        const health: Record<string, unknown> = c === 'NONE' ? {Test: ['NONE']} : {Test: c.test};
        if (c !== 'NONE') {
          if (c.interval) health.Interval = c.interval;
          if (c.timeout) health.Timeout = c.timeout;
          if (c.startPeriod) health.StartPeriod = c.startPeriod;
          if (c.startInterval) health.StartInterval = c.startInterval;
          if (c.retries) health.Retries = c.retries;
        }
        next.Healthcheck = health;
        return {config: next, text: `HEALTHCHECK ${JSON.stringify(health)}`};
      }
      case 'ONBUILD':
        next.OnBuild = [...(config.OnBuild ?? []), ins.trigger];
        return {config: next, text: `ONBUILD ${ins.trigger}`};
      case 'MAINTAINER':
        return {config: next, text: `MAINTAINER ${ins.value}`, author: ins.value};
    }
  } catch (error) {
    if (error instanceof SyntaxProblem) throw at(ins.source, `${ins.kind}: ${error.message}`);
    throw error;
  }
}

const changeKinds = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

/** `docker commit --change` / `docker import --change` lines applied to a config, with the Dockerfile's own rules. */
export function applyChangeLines(config: ContainerConfig, changes: string[]): ContainerConfig {
  let current = {...config};
  for (const change of changes) {
    for (const line of parseDockerfile(change, '--change').lines) {
      if (!changeKinds.has(line.keyword)) throw new Error(`${line.keyword} is not a valid change command`);
      const ins = toInstruction(line, '\\') as MetadataInstruction;
      const env = current.Env;
      current = applyMetadata(ins, current, (name) => envValue(env, name), true).config;
    }
  }
  return current;
}
