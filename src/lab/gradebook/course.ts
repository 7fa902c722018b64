/**
 * The course file (course.json) a teacher keeps beside the roster: which attempt counts, each assignment's
 * deadline and late penalty, and per-student extensions. Checked with ajv; an error names the file and the JSON
 * path. Assignments are named as the gradebook names them: a lab by its id ("26"), its homework "26-homework".
 */
import {readFileSync} from 'node:fs';
import {Ajv, type ErrorObject} from 'ajv';
import {parseStrictJson} from '../../common/strict-json.js';
import {toJsonPath} from '../../debian-images/recipe/load.js';
import {isoDateTime} from './schema.js';
import {GradebookError} from './types.js';

export const policies = ['best', 'last', 'last-before-deadline'] as const;
export type Policy = (typeof policies)[number];

export interface LatePenalty {
  /** Percent of the maximum taken off per started day late. */
  perDayPercent: number;
  /** At most this percent in all (default 100: down to 0 points). */
  maxPercent?: number;
}

export interface AssignmentRules {
  deadline?: string;
  latePenalty?: LatePenalty;
  policy?: Policy;
}

export interface Course {
  policy?: Policy;
  assignments?: Record<string, AssignmentRules>;
  extensions?: {student: string; assignment: string; deadline: string}[];
}

const date = {type: 'string', pattern: isoDateTime, description: 'a date and time in ISO 8601 with its time zone, e.g. "2026-12-01T23:59:00+01:00"'};
const policy = {type: 'string', enum: policies, description: 'which attempt counts: "best", "last" or "last-before-deadline"'};

export const courseSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'a course file: an object with policy, assignments and extensions',
  properties: {
    policy,
    assignments: {
      type: 'object',
      description: 'an object from assignment ("26", "26-homework") to its rules',
      propertyNames: {pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$'},
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        description: 'an assignment\'s rules: deadline, latePenalty, policy',
        properties: {
          deadline: date,
          policy,
          latePenalty: {
            type: 'object',
            additionalProperties: false,
            required: ['perDayPercent'],
            description: 'an object with perDayPercent and maxPercent',
            properties: {
              perDayPercent: {type: 'number', minimum: 0, maximum: 100, description: 'a percent from 0 to 100'},
              maxPercent: {type: 'number', minimum: 0, maximum: 100, description: 'a percent from 0 to 100'},
            },
          },
        },
      },
    },
    extensions: {
      type: 'array',
      description: 'a list of extensions',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['student', 'assignment', 'deadline'],
        description: 'an extension: an object with student, assignment and deadline',
        properties: {
          student: {type: 'string', minLength: 1, description: 'a student id as in the roster'},
          assignment: {type: 'string', minLength: 1, description: 'an assignment ("26", "26-homework")'},
          deadline: date,
        },
      },
    },
  },
} as const;

function describe(e: ErrorObject): string {
  if (e.keyword === 'required') return `${toJsonPath(e.instancePath, (e.params as {missingProperty: string}).missingProperty)}: missing`;
  if (e.keyword === 'additionalProperties') {
    const key = (e.params as {additionalProperty: string}).additionalProperty;
    const allowed = Object.keys((e.parentSchema as {properties?: object}).properties ?? {});
    return `${toJsonPath(e.instancePath, key)}: unknown key (allowed: ${allowed.join(', ')})`;
  }
  const expected = (e.parentSchema as {description?: string} | undefined)?.description ?? e.message;
  return `${toJsonPath(e.instancePath)}: expected ${expected}, found ${JSON.stringify(e.data)}`;
}

let validate: ReturnType<Ajv['compile']> | undefined;

export function parseCourse(file: string, text: string): Course {
  const data = parseStrictJson(text, (m) => new GradebookError(`${file}: ${m}`));
  validate ??= new Ajv({allErrors: false, verbose: true, strict: true}).compile(courseSchema);
  if (!validate(data)) throw new GradebookError(`${file}: ${describe(validate.errors![0])}`);
  const course = data as Course;
  for (const [i, x] of (course.extensions ?? []).entries()) {
    if (Number.isNaN(Date.parse(x.deadline))) throw new GradebookError(`${file}: $.extensions[${i}].deadline: not a real date`);
  }
  return course;
}

export const loadCourse = (file: string): Course => parseCourse(file, readFileSync(file, 'utf8'));

/** The rules that hold for one student's assignment: the policy, and the deadline with any extension. */
export function rulesFor(course: Course, assignment: string, student: string): {policy: Policy; deadline?: string; latePenalty?: LatePenalty; extended: boolean} {
  const rules = course.assignments?.[assignment] ?? {};
  const extension = course.extensions?.filter((x) => x.assignment === assignment && x.student === student).at(-1);
  return {
    policy: rules.policy ?? course.policy ?? 'last-before-deadline',
    deadline: extension?.deadline ?? rules.deadline,
    latePenalty: rules.latePenalty,
    extended: extension !== undefined,
  };
}

/** Started days late (0 when on time) and the points taken off for them. */
export function latePenalty(submittedAt: string, deadline: string | undefined, penalty: LatePenalty | undefined, maxScore: number): {daysLate: number; points: number} {
  if (!deadline) return {daysLate: 0, points: 0};
  const late = Date.parse(submittedAt) - Date.parse(deadline);
  if (late <= 0) return {daysLate: 0, points: 0};
  const daysLate = Math.ceil(late / 86_400_000);
  if (!penalty) return {daysLate, points: 0};
  const percent = Math.min(penalty.maxPercent ?? 100, penalty.perDayPercent * daysLate);
  return {daysLate, points: (maxScore * percent) / 100};
}
