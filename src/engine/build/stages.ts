/**
 * A parsed Dockerfile as the builder walks it: the ARGs before the first FROM, then one stage per FROM.
 * `--target` cuts the stages after the named one; `--label` becomes a LABEL step at the end of the last.
 */
import {at, BuildError} from '../dockerfile/errors.js';
import {toInstruction, type Instruction, type InstructionOf} from '../dockerfile/instructions.js';
import type {ParsedDockerfile} from '../dockerfile/parser.js';

export interface Stage {
  index: number;
  /** Lower-cased `AS` name. */
  name?: string;
  from: InstructionOf<'FROM'>;
  commands: Instruction[];
}

export interface BuildPlan {
  metaArgs: Array<InstructionOf<'ARG'>>;
  stages: Stage[];
  /** What `Step N/M` counts: meta ARGs, FROMs and every instruction of the stages built. */
  totalSteps: number;
}

/** Single quotes keep a label's text from being expanded; a quote inside closes, escapes and reopens. */
function quoteLiteral(text: string, escape: string): string {
  return `'${text.replace(/'/g, `'${escape}''`)}'`;
}

function labelInstruction(labels: Record<string, string>, parsed: ParsedDockerfile, file: string, line: number): InstructionOf<'LABEL'> {
  const entries = Object.entries(labels);
  const original = `LABEL ${entries.map(([k, v]) => `${k}=${v}`).join(' ')}`;
  return {
    kind: 'LABEL',
    escape: parsed.escape,
    source: {keyword: 'LABEL', rest: original.slice('LABEL '.length), original, file, line},
    pairs: entries.map(([k, v]) => ({key: quoteLiteral(k, parsed.escape), value: quoteLiteral(v, parsed.escape)})),
  };
}

export function planBuild(parsed: ParsedDockerfile, file: string, opts: {target?: string; labels?: Record<string, string>} = {}): BuildPlan {
  if (parsed.lines.length === 0) throw new BuildError(`${file}: file with no instructions: a Dockerfile needs at least a FROM line`);
  const metaArgs: Array<InstructionOf<'ARG'>> = [];
  const stages: Stage[] = [];
  for (const line of parsed.lines) {
    const ins = toInstruction(line, parsed.escape);
    if (ins.kind === 'FROM') {
      if (ins.stage && stages.some((s) => s.name === ins.stage)) throw at(line, `duplicate name for build stage: "${ins.stage}"`);
      stages.push({index: stages.length, name: ins.stage, from: ins, commands: []});
    } else if (stages.length > 0) {
      stages.at(-1)!.commands.push(ins);
    } else if (ins.kind === 'ARG') {
      metaArgs.push(ins);
    } else {
      throw at(line, `${ins.kind} cannot come before the first FROM: a Dockerfile starts with FROM (only ARG may come before it)`);
    }
  }
  if (stages.length === 0) throw new BuildError(`${file}: no FROM instruction: a Dockerfile needs a base image (FROM scratch for an empty one)`);
  let built = stages;
  if (opts.target) {
    const target = opts.target.toLowerCase();
    const index = stages.findIndex((s) => s.name === target);
    if (index < 0) throw new BuildError(`failed to reach build target ${opts.target} in ${file}: no stage is named "${opts.target}" (FROM image AS ${opts.target})`);
    built = stages.slice(0, index + 1);
  }
  if (opts.labels && Object.keys(opts.labels).length > 0) {
    const last = built.at(-1)!;
    const line = (last.commands.at(-1) ?? last.from).source.line;
    last.commands.push(labelInstruction(opts.labels, parsed, file, line));
  }
  const totalSteps = metaArgs.length + built.length + built.reduce((sum, s) => sum + s.commands.length, 0);
  return {metaArgs, stages: built, totalSteps};
}
