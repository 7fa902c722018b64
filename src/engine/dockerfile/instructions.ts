/**
 * Logical lines → typed instructions: flags (`--from=`, `--chown=`...), exec (JSON) or shell form, and the
 * raw words of each argument. Variables are NOT substituted here: ARG and ENV values change as the build runs,
 * so the dispatcher expands words when it reaches the instruction.
 */
import {at, SyntaxProblem} from './errors.js';
import {instructionNames, jsonForm, type LogicalLine} from './parser.js';
import {splitRaw} from './shell-words.js';

export interface HealthcheckSpec {
  test: string[];
  /** Durations in nanoseconds, as the image config stores them; 0 = the default. */
  interval: number;
  timeout: number;
  startPeriod: number;
  startInterval: number;
  retries: number;
}

interface Base {
  source: LogicalLine;
  escape: string;
}

type Pairs<K> = {kind: K; pairs: Array<{key: string; value: string}>};
type Command<K> = {kind: K; exec?: string[]; shell?: string};
type Copy<K> = {kind: K; words: string[]; json: boolean; from?: string; chown?: string; chmod?: string};
type Single<K> = {kind: K; value: string};

// One member per kind, so Extract<Instruction, {kind: K}> picks exactly one.
export type Instruction = Base & (
  | {kind: 'FROM'; image: string; stage?: string; platform?: string}
  | {kind: 'ARG'; args: Array<{name: string; value?: string}>}
  | Pairs<'ENV'> | Pairs<'LABEL'>
  | Command<'RUN'> | Command<'CMD'> | Command<'ENTRYPOINT'>
  | Copy<'COPY'> | Copy<'ADD'>
  | Single<'WORKDIR'> | Single<'USER'> | Single<'STOPSIGNAL'> | Single<'MAINTAINER'>
  | {kind: 'EXPOSE'; ports: string[]}
  | {kind: 'VOLUME'; paths: string[]; json: boolean}
  | {kind: 'SHELL'; shell: string[]}
  | {kind: 'HEALTHCHECK'; check: HealthcheckSpec | 'NONE'}
  | {kind: 'ONBUILD'; trigger: string}
);

export type InstructionOf<K extends Instruction['kind']> = Extract<Instruction, {kind: K}>;

const buildkitOnly = new Set(['mount', 'network', 'security', 'link', 'parents', 'exclude', 'checksum', 'keep-git-dir', 'start-interval-only']);

/** Leading `--name=value` words. Flags only BuildKit knows get a message saying so. */
function takeFlags(l: LogicalLine, rest: string, allowed: string[]): {flags: Map<string, string>; rest: string} {
  const flags = new Map<string, string>();
  let text = rest;
  for (;;) {
    const m = /^--(\S*)(?:\s+|$)/.exec(text);
    if (!m) break;
    text = text.slice(m[0].length);
    if (m[1] === '') break; // `--` ends the flags
    const [name, ...value] = m[1]!.split('=');
    if (!allowed.includes(name!)) {
      if (buildkitOnly.has(name!)) throw at(l, `the --${name} option requires BuildKit, which this lab engine does not have`);
      throw at(l, `${l.keyword}: unknown flag: --${name}`);
    }
    if (value.length === 0 || value.join('=') === '') throw at(l, `${l.keyword}: missing a value on flag: --${name}`);
    if (flags.has(name!)) throw at(l, `${l.keyword}: duplicate flag specified: --${name}`);
    flags.set(name!, value.join('='));
  }
  return {flags, rest: text.trim()};
}

function words(l: LogicalLine, text: string, escape: string): string[] {
  try {
    return splitRaw(text, escape);
  } catch (error) {
    if (error instanceof SyntaxProblem) throw at(l, `${l.keyword}: ${error.message}`);
    throw error;
  }
}

/** `key=value key2="two words"`, or the old one-pair form `KEY the rest is the value`. */
function pairs(l: LogicalLine, escape: string): Array<{key: string; value: string}> {
  const list = words(l, l.rest, escape);
  if (list.length === 0) throw at(l, `${l.keyword} requires at least one argument`);
  if (!list[0]!.includes('=')) {
    const value = l.rest.slice(list[0]!.length).trim();
    if (value === '') throw at(l, `${l.keyword} requires a value: ${l.keyword} ${list[0]}=VALUE (or ${l.keyword} ${list[0]} VALUE)`);
    return [{key: list[0]!, value}];
  }
  return list.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) throw at(l, `${l.keyword}: syntax error - can't find = in "${word}". Must be of the form: name=value`);
    if (eq === 0) throw at(l, `${l.keyword} names can not be blank`);
    return {key: word.slice(0, eq), value: word.slice(eq + 1)};
  });
}

const durationRe = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const unitNs: Record<string, number> = {ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9};

/** Go's duration syntax (`30s`, `1m30s`, `500ms`), in nanoseconds. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (!durationRe.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unitNs[m[2]!]!;
  return Math.round(total);
}

function healthcheck(l: LogicalLine): HealthcheckSpec | 'NONE' {
  const {flags, rest} = takeFlags(l, l.rest, ['interval', 'timeout', 'start-period', 'start-interval', 'retries']);
  const [type = '', ...more] = rest.split(/\s+/);
  if (type.toUpperCase() === 'NONE') {
    if (more.length > 0 || flags.size > 0) throw at(l, 'HEALTHCHECK NONE takes no arguments');
    return 'NONE';
  }
  if (type.toUpperCase() !== 'CMD') throw at(l, `unknown type "${type}" in HEALTHCHECK (try CMD)`);
  const command = rest.slice(type.length).trim();
  if (command === '') throw at(l, 'HEALTHCHECK CMD needs a command');
  const exec = jsonForm(command);
  const duration = (name: string): number => {
    const text = flags.get(name);
    if (text === undefined) return 0;
    const ns = parseDuration(text);
    if (ns === undefined) throw at(l, `HEALTHCHECK: --${name}=${text} is not a duration (examples: 30s, 1m30s, 500ms)`);
    if (ns > 0 && ns < 1e6) throw at(l, `HEALTHCHECK: --${name} cannot be less than 1ms`);
    return ns;
  };
  const retriesText = flags.get('retries') ?? '0';
  if (!/^\d+$/.test(retriesText)) throw at(l, `HEALTHCHECK: --retries=${retriesText} is not a whole number`);
  return {
    test: exec ? ['CMD', ...exec] : ['CMD-SHELL', command],
    interval: duration('interval'),
    timeout: duration('timeout'),
    startPeriod: duration('start-period'),
    startInterval: duration('start-interval'),
    retries: Number(retriesText),
  };
}

function onbuild(l: LogicalLine): string {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(l.rest);
  if (!m) throw at(l, 'ONBUILD requires at least one argument');
  const keyword = m[1]!.toUpperCase();
  if (keyword === 'ONBUILD') throw at(l, 'chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (keyword === 'FROM' || keyword === 'MAINTAINER') throw at(l, `${keyword} isn't allowed as an ONBUILD trigger`);
  if (!(instructionNames as readonly string[]).includes(keyword)) throw at(l, `ONBUILD: unknown instruction: ${m[1]}`);
  return `${keyword} ${m[2]}`.trim();
}

const stageNameRe = /^[a-z][a-z0-9._-]*$/;

export function toInstruction(l: LogicalLine, escape: string): Instruction {
  const base = {source: l, escape};
  switch (l.keyword) {
    case 'FROM': {
      const {flags, rest} = takeFlags(l, l.rest, ['platform']);
      const list = words(l, rest, escape);
      if (!(list.length === 1 || (list.length === 3 && list[1]!.toUpperCase() === 'AS'))) {
        throw at(l, 'FROM requires either one argument (FROM image) or three (FROM image AS name)');
      }
      const stage = list[2]?.toLowerCase();
      if (stage !== undefined && !stageNameRe.test(stage)) {
        throw at(l, `invalid name for build stage: "${list[2]}", name can't start with a number or contain symbols`);
      }
      return {...base, kind: 'FROM', image: list[0]!, stage, platform: flags.get('platform')};
    }
    case 'ARG': {
      const list = words(l, l.rest, escape);
      if (list.length === 0) throw at(l, 'ARG requires at least one argument');
      return {...base, kind: 'ARG', args: list.map((w) => {
        const eq = w.indexOf('=');
        if (eq === 0) throw at(l, 'ARG names can not be blank');
        return eq < 0 ? {name: w} : {name: w.slice(0, eq), value: w.slice(eq + 1)};
      })};
    }
    case 'ENV':
    case 'LABEL':
      return {...base, kind: l.keyword, pairs: pairs(l, escape)};
    case 'RUN':
    case 'CMD':
    case 'ENTRYPOINT': {
      const rest = l.keyword === 'RUN' ? takeFlags(l, l.rest, []).rest : l.rest;
      const exec = jsonForm(rest);
      if (!exec && rest === '') throw at(l, `${l.keyword} requires at least one argument`);
      return exec ? {...base, kind: l.keyword, exec} : {...base, kind: l.keyword, shell: rest};
    }
    case 'COPY':
    case 'ADD': {
      const {flags, rest} = takeFlags(l, l.rest, l.keyword === 'COPY' ? ['from', 'chown', 'chmod'] : ['chown', 'chmod']);
      const exec = jsonForm(rest);
      const list = exec ?? words(l, rest, escape);
      if (list.length < 2) {
        throw at(l, `${l.keyword} requires at least two arguments, but only ${list.length === 0 ? 'none was' : 'one was'} provided. Destination could not be determined.`);
      }
      return {...base, kind: l.keyword, words: list, json: Boolean(exec), from: flags.get('from'), chown: flags.get('chown'), chmod: flags.get('chmod')};
    }
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      if (l.rest === '') throw at(l, `${l.keyword} requires exactly one argument`);
      return {...base, kind: l.keyword, value: l.rest};
    case 'EXPOSE': {
      const list = words(l, l.rest, escape);
      if (list.length === 0) throw at(l, 'EXPOSE requires at least one argument');
      return {...base, kind: 'EXPOSE', ports: list};
    }
    case 'VOLUME': {
      const exec = jsonForm(l.rest);
      const list = exec ?? words(l, l.rest, escape);
      if (list.length === 0) throw at(l, 'VOLUME requires at least one argument');
      return {...base, kind: 'VOLUME', paths: list, json: Boolean(exec)};
    }
    case 'SHELL': {
      const exec = jsonForm(l.rest);
      if (!exec) throw at(l, 'SHELL requires the arguments to be in JSON form, e.g. SHELL ["/bin/sh", "-c"]');
      if (exec.length === 0) throw at(l, 'SHELL requires at least one argument');
      return {...base, kind: 'SHELL', shell: exec};
    }
    case 'HEALTHCHECK':
      return {...base, kind: 'HEALTHCHECK', check: healthcheck(l)};
    case 'ONBUILD':
      return {...base, kind: 'ONBUILD', trigger: onbuild(l)};
  }
}
