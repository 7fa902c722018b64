/**
 * Loading exercises/<lab>/homework.json: JSON errors name the line and column, schema errors the file and the
 * JSON path, and check ids must be unique.
 */
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {Ajv} from 'ajv';
import addFormats from 'ajv-formats';
import {parseStrictJson} from '../../common/strict-json.js';
import {exercisesRoot} from '../exercises/load.js';
import {describeSchemaError, semanticErrors, usefulErrors} from './lint.js';
import {homeworkSchema} from './schema.js';
import type {Homework, HomeworkLimits} from './types.js';

export class HomeworkError extends Error {
  override name = 'HomeworkError';
}

const defaults = {submissionMaxFiles: 1000, outputMaxBytes: 4096} satisfies Partial<HomeworkLimits>;

let validate: ReturnType<Ajv['compile']> | undefined;

/** Every problem of the definition, each "<file>: at <JSON path>: <what>"; none means it is fine. */
export function lintHomework(file: string, text: string): string[] {
  let data: unknown;
  try {
    data = parseStrictJson(text, (m) => new HomeworkError(m));
  } catch (error) {
    return [`${file}: ${(error as Error).message}`];
  }
  validate ??= addFormats.default(new Ajv({allErrors: true, strict: false, verbose: true})).compile(homeworkSchema);
  if (!validate(data)) return usefulErrors(validate.errors!).map((e) => `${file}: ${describeSchemaError(e)}`);
  return semanticErrors((data as Homework).checks, (data as Homework).run !== undefined).map((m) => `${file}: ${m}`);
}

export function parseHomework(file: string, text: string): Homework {
  const errors = lintHomework(file, text);
  if (errors.length) throw new HomeworkError(errors.length === 1 ? errors[0] : `${errors[0]} (and ${errors.length - 1} more: see lab homework lint)`);
  const hw = JSON.parse(text) as Omit<Homework, 'file'>;
  const checks = hw.checks.map((c) => (c.cases ? {...c, cases: c.cases.map((k) => ({...k, args: k.args ?? [], exitCode: k.exitCode ?? 0}))} : c));
  const limits: HomeworkLimits = Object.assign({...defaults, fileMaxKb: hw.limits.submissionMaxKb}, hw.limits);
  const run = Object.assign({expectStdout: '', exitCode: 0}, hw.run);
  return {...hw, checks, images: hw.images ?? [], limits, run, file};
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

/** A homework definition from anywhere (a course's own file); `lab` in it names the lab its results count for. */
export function loadHomeworkFile(file: string): Homework {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HomeworkError(`cannot read the homework definition ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseHomework(file, text);
}
