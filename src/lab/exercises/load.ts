/**
 * Loading exercises/<lab>/lab.json: JSON errors name the line and column, schema errors the JSON path, and
 * references (scripts, files, templates, graders, mutation targets) are checked to exist; each check's params
 * must fit its grader's schema.
 */
import {existsSync, readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {Ajv} from 'ajv';
import {parseStrictJson, schemaErrorAt} from '../../common/strict-json.js';
import {graders} from '../../../graders/index.js';
import {packageRoot} from '../../common/package-root.js';
import {paramsProblem} from './check-params.js';
import {exerciseSchema} from './schema.js';
import type {Exercise} from './types.js';

export class ExerciseError extends Error {
  override name = 'ExerciseError';
}

export const exercisesRoot = () => join(packageRoot(), 'exercises');
export const templatesRoot = () => join(packageRoot(), 'templates');

let validate: ReturnType<Ajv['compile']> | undefined;

export function parseExercise(file: string, text: string, dir: string): Exercise {
  const data = parseStrictJson(text, (m) => new ExerciseError(`${file}: ${m}`));
  validate ??= new Ajv({allErrors: true, verbose: true, strict: false}).compile(exerciseSchema);
  if (!validate(data)) throw new ExerciseError(`${file}: ${schemaErrorAt(validate.errors![0])}`);
  const exercise = {...(data as Omit<Exercise, 'dir'>), dir};
  checkReferences(file, exercise);
  return exercise;
}

function checkReferences(file: string, ex: Exercise): void {
  const must = (path: string, where: string) => {
    if (!existsSync(join(ex.dir, path))) throw new ExerciseError(`${file}: ${where}: ${path} does not exist`);
  };
  ex.files?.forEach((f, i) => must(f.from, `/files/${i}/from`));
  ex.prepare?.forEach((p, i) => must(p.script, `/prepare/${i}/script`));
  if (ex.cleanup) must(ex.cleanup, '/cleanup');
  ex.steps.forEach((step, i) => {
    must(step.solve, `/steps/${i}/solve`);
    const ids = new Set(step.checks.map((c) => c.id));
    step.checks.forEach((c, j) => {
      const grader = graders[c.grader];
      if (!grader) throw new ExerciseError(`${file}: at /steps/${i}/checks/${j}/grader: unknown grader "${c.grader}" (known: ${Object.keys(graders).join(', ')})`);
      const problem = paramsProblem(grader, c.params, `/steps/${i}/checks/${j}/params`);
      if (problem) throw new ExerciseError(`${file}: ${problem}`);
    });
    step.mutations?.forEach((m, j) => {
      must(m.script, `/steps/${i}/mutations/${j}/script`);
      if (m.undo) must(m.undo, `/steps/${i}/mutations/${j}/undo`);
      for (const r of m.rejects) if (!ids.has(r)) throw new ExerciseError(`${file}: at /steps/${i}/mutations/${j}/rejects: no check "${r}" in step ${step.id}`);
    });
    for (const locale of ex.locales) {
      const template = join(templatesRoot(), ex.id, locale, `${step.id}.md.hbs`);
      if (!existsSync(template)) throw new ExerciseError(`${file}: at /steps/${i}: the ${locale} text ${template} does not exist`);
    }
  });
}

export function loadExercise(id: string): Exercise {
  const dir = join(exercisesRoot(), id);
  const file = join(dir, 'lab.json');
  if (!existsSync(file)) {
    const known = listExerciseIds();
    throw new ExerciseError(`no lab "${id}" (labs: ${known.join(', ') || 'none'})`);
  }
  return parseExercise(file, readFileSync(file, 'utf8'), dir);
}

export function listExerciseIds(): string[] {
  if (!existsSync(exercisesRoot())) return [];
  return readdirSync(exercisesRoot()).filter((d) => existsSync(join(exercisesRoot(), d, 'lab.json'))).sort();
}
