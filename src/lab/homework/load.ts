/**
 * Loading exercises/<lab>/homework.json: JSON errors name the line and column, schema errors the file and the
 * JSON path, and check ids must be unique.
 */
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {Ajv} from 'ajv';
import {parse as parseJsonc, printParseErrorCode, type ParseError} from 'jsonc-parser';
import {exercisesRoot} from '../exercises/load.js';
import {homeworkSchema} from './schema.js';
import type {Homework, HomeworkLimits} from './types.js';

export class HomeworkError extends Error {
  override name = 'HomeworkError';
}

const defaults = {submissionMaxFiles: 1000, outputMaxBytes: 4096} satisfies Partial<HomeworkLimits>;

let validate: ReturnType<Ajv['compile']> | undefined;

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
}

export function parseHomework(file: string, text: string): Homework {
  const errors: ParseError[] = [];
  const data = parseJsonc(text, errors, {disallowComments: true, allowTrailingComma: false});
  if (errors.length > 0) throw new HomeworkError(`${file}: invalid JSON at ${lineCol(text, errors[0].offset)}: ${printParseErrorCode(errors[0].error)}`);
  validate ??= new Ajv({allErrors: true, strict: false}).compile(homeworkSchema);
  if (!validate(data)) {
    const e = validate.errors![0];
    const extra = e.keyword === 'additionalProperties' ? ` "${(e.params as {additionalProperty: string}).additionalProperty}"`
      : e.keyword === 'enum' ? ` (${(e.params as {allowedValues: string[]}).allowedValues.join(', ')})` : '';
    throw new HomeworkError(`${file}: at ${e.instancePath || '(top level)'}: ${e.message}${extra}`);
  }
  const hw = data as Omit<Homework, 'file'>;
  const seen = new Set<string>();
  hw.checks.forEach((c, i) => {
    if (seen.has(c.id)) throw new HomeworkError(`${file}: at /checks/${i}/id: the check id "${c.id}" is used twice`);
    seen.add(c.id);
  });
  return {...hw, limits: {...defaults, ...hw.limits}, run: {...hw.run, exitCode: hw.run.exitCode ?? 0}, file};
}

export function homeworkFile(lab: string): string {
  return join(exercisesRoot(), lab, 'homework.json');
}

export function loadHomework(lab: string): Homework {
  if (!/^[a-z0-9-]+$/.test(lab)) throw new HomeworkError(`"${lab}" is not a lab id`);
  const file = homeworkFile(lab);
  if (!existsSync(file)) throw new HomeworkError(`lab ${lab} has no homework (${file} does not exist)`);
  const hw = parseHomework(file, readFileSync(file, 'utf8'));
  if (hw.lab !== lab) throw new HomeworkError(`${file}: at /lab: "${hw.lab}" but the file is in exercises/${lab}`);
  return hw;
}
