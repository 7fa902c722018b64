/**
 * Loading exercises/<lab>/homework.json: JSON errors name the line and column, schema errors the file and the
 * JSON path, and check ids must be unique.
 */
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {Ajv} from 'ajv';
import {parseStrictJson, schemaErrorAt} from '../../common/strict-json.js';
import {exercisesRoot} from '../exercises/load.js';
import {homeworkSchema} from './schema.js';
import type {Homework, HomeworkLimits} from './types.js';

export class HomeworkError extends Error {
  override name = 'HomeworkError';
}

const defaults = {submissionMaxFiles: 1000, outputMaxBytes: 4096} satisfies Partial<HomeworkLimits>;

let validate: ReturnType<Ajv['compile']> | undefined;

export function parseHomework(file: string, text: string): Homework {
  const data = parseStrictJson(text, (m) => new HomeworkError(`${file}: ${m}`));
  validate ??= new Ajv({allErrors: true, strict: false}).compile(homeworkSchema);
  if (!validate(data)) throw new HomeworkError(`${file}: ${schemaErrorAt(validate.errors![0])}`);
  const hw = data as Omit<Homework, 'file'>;
  const seen = new Set<string>();
  hw.checks.forEach((c, i) => {
    if (seen.has(c.id)) throw new HomeworkError(`${file}: at /checks/${i}/id: the check id "${c.id}" is used twice`);
    seen.add(c.id);
  });
  return {...hw, images: hw.images ?? [], limits: {...defaults, ...hw.limits}, run: {...hw.run, exitCode: hw.run.exitCode ?? 0}, file};
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
