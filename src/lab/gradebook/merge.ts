/**
 * From submissions to the gradebook. Every attempt is kept; per (student, assignment) the signed attempts
 * (collected, sandbox) win over any the student made, and among those left the course's policy picks the one that
 * counts (best, last, or last before the student's deadline), less any late penalty. Deadlines are judged on the
 * hand-in time (submittedAt), never on when a homework was checked; an attempt whose hand-in time is unknown gets no
 * late penalty, is never "before the deadline", and is named in the warnings wherever a deadline applies to it;
 * attempts are ordered by hand-in time, then by when they were checked. Then one row per student —
 * every roster student, with or without a result — with a cell per assignment and the total.
 */
import type {Roster} from '../roster/types.js';
import {type Course, latePenalty, type Policy, rulesFor} from './course.js';
import {studentOf} from './identity.js';
import {statistics} from './stats.js';
import {checkSignature, type ResultSource, type TeacherKey} from './signing.js';
import type {Assignment, CheckGrade, Gradebook, LabGrade, StudentRow, Submission, Trust} from './types.js';
import {trustNote} from './types.js';

const byName = (a: string, b: string) => a.localeCompare(b, 'en', {numeric: true}) || (a < b ? -1 : a > b ? 1 : 0);

export function assignmentOf(s: Submission): {id: string; lab: string; kind: 'lab' | 'homework'} {
  const {lab, kind, provider} = s.results.extra_data;
  // Homework results written before kinds existed are the only ones with provider "sandbox".
  const k = kind ?? (provider === 'sandbox' ? 'homework' : 'lab');
  return {id: k === 'homework' ? `${lab}-homework` : lab, lab, kind: k};
}

export function claimedSource(s: Submission): ResultSource {
  const {source, provider} = s.results.extra_data;
  return source ?? (provider === 'sandbox' ? 'sandbox' : 'self-submitted');
}

/** What a submission can be trusted as, checked against the teacher's key. */
export function trustOf(s: Submission, key: TeacherKey | undefined): {claimed: ResultSource; trust: Trust; problem?: string} {
  const claimed = claimedSource(s);
  if (claimed === 'self-submitted') return {claimed, trust: 'self-submitted'};
  const check = checkSignature(s.results, key);
  return check.valid ? {claimed, trust: claimed} : {claimed, trust: 'unverified', problem: `claims to be ${claimed}, but ${check.reason}`};
}

const isSigned = (t: Trust) => t === 'collected' || t === 'sandbox';

interface Attempt {
  sub: Submission;
  grade: LabGrade;
}

function gradeOf(s: Submission, trust: ReturnType<typeof trustOf>, rules: ReturnType<typeof rulesFor>): LabGrade {
  const r = s.results;
  const checks = r.tests.map((t): CheckGrade => ({name: t.name, points: t.score, maxPoints: t.max_score, passed: t.status !== 'failed' && t.score >= t.max_score, output: t.output ?? ''}));
  const {submittedAt, checkedAt, handIn} = r.extra_data;
  const late = submittedAt ? latePenalty(submittedAt, rules.deadline, rules.latePenalty, r.extra_data.maxScore) : {daysLate: 0, points: 0};
  return {
    score: Math.max(0, r.score - late.points), rawScore: r.score, maxScore: r.extra_data.maxScore, provider: r.extra_data.provider,
    ...(submittedAt ? {submittedAt} : {}), ...(checkedAt ? {checkedAt} : {}), ...(handIn ? {handIn: handIn.source} : {}),
    ...trust, daysLate: late.daysLate, penalty: late.points, attempts: 1, policy: rules.policy, file: s.file, checks, executionTime: r.execution_time,
    firstAttemptAt: attemptTime(submittedAt, checkedAt),
  };
}

/** When an attempt was made, for ordering: its hand-in time, or when it was checked if that is unknown. */
const attemptTime = (submittedAt?: string, checkedAt?: string) => submittedAt ?? checkedAt ?? new Date(0).toISOString();
const time = (a: Attempt) => Date.parse(attemptTime(a.grade.submittedAt, a.grade.checkedAt));
const checked = (a: Attempt) => Date.parse(a.grade.checkedAt ?? '') || 0;
// Newest first; the same hand-in checked twice, the newer check first; equal times by file name, so the outcome
// does not depend on the order files were named in.
const newestFirst = (a: Attempt, b: Attempt) => time(b) - time(a) || checked(b) - checked(a) || byName(a.sub.file, b.sub.file);

/** The attempt that counts under `policy`. */
export function pick(attempts: Attempt[], policy: Policy, deadline?: string): Attempt {
  const sorted = [...attempts].sort(newestFirst);
  // Equal best scores: the first attempt that reached it.
  if (policy === 'best') return [...sorted].sort((a, b) => b.grade.score - a.grade.score || newestFirst(b, a))[0];
  if (policy === 'last' || !deadline) return sorted[0];
  // An attempt with no known hand-in time is not known to be on time.
  return sorted.find((a) => a.grade.submittedAt !== undefined && time(a) <= Date.parse(deadline)) ?? sorted[0];
}

export interface MergeOptions {
  key?: TeacherKey;
  course?: Course;
  roster?: Roster;
}

export function buildGradebook(submissions: Submission[], skipped: {file: string; error: string}[] = [], options: MergeOptions = {}): Gradebook {
  const course = options.course ?? {};
  const warnings: string[] = [];
  const groups = new Map<string, {student: string; name?: string; assignment: ReturnType<typeof assignmentOf>; attempts: Attempt[]}>();
  for (const sub of submissions) {
    const who = studentOf(sub.file, sub.results.extra_data.student, options.roster);
    if (who.warning) warnings.push(who.warning);
    const assignment = assignmentOf(sub);
    const trust = trustOf(sub, options.key);
    if (trust.problem) warnings.push(`${sub.file}: UNVERIFIED: ${trust.problem}`);
    const grade = gradeOf(sub, trust, rulesFor(course, assignment.id, who.id));
    const key = JSON.stringify([who.id, assignment.id]);
    const group = groups.get(key) ?? {student: who.id, name: who.name, assignment, attempts: []};
    group.attempts.push({sub, grade});
    groups.set(key, group);
  }
  const rows = new Map<string, StudentRow>();
  const perAssignment = new Map<string, {meta: ReturnType<typeof assignmentOf>; grades: {student: string; grade: LabGrade}[]}>();
  for (const {student, name, assignment, attempts} of groups.values()) {
    const signed = attempts.filter((a) => isSigned(a.grade.trust));
    const pool = signed.length > 0 ? signed : attempts;
    if (signed.length > 0 && signed.length < attempts.length) {
      warnings.push(`${student}, ${assignment.id}: ${attempts.length - signed.length} self-submitted or unverified attempt(s) left out: a signed grade counts instead`);
    }
    const rules = rulesFor(course, assignment.id, student);
    const chosen = pick(pool, rules.policy, rules.deadline);
    if (rules.deadline && !chosen.grade.submittedAt) {
      warnings.push(`${student}, ${assignment.id}: the hand-in time of the attempt that counts is unknown (${chosen.sub.file}): the deadline ${rules.deadline} and any late penalty could not be applied`);
    }
    const byTime = [...pool].sort((a, b) => time(a) - time(b));
    const completed = byTime.find((a) => a.grade.rawScore >= a.grade.maxScore);
    const grade: LabGrade = {...chosen.grade, attempts: attempts.length, firstAttemptAt: byTime[0].grade.firstAttemptAt, ...(completed ? {completedAt: completed.grade.firstAttemptAt} : {})};
    const row: StudentRow = rows.get(student) ?? {student, name, source: 'collected', flagged: false, labs: {}, total: 0, maxTotal: 0};
    row.labs[assignment.id] = grade;
    rows.set(student, row);
    const entry = perAssignment.get(assignment.id) ?? {meta: assignment, grades: []};
    entry.grades.push({student, grade});
    perAssignment.set(assignment.id, entry);
  }
  const labs: Assignment[] = [...perAssignment.values()].sort((a, b) => byName(a.meta.id, b.meta.id)).map(({meta, grades}) => {
    const {maxScore, warning} = assignmentMaximum(meta.id, grades);
    if (warning) warnings.push(warning);
    return {...meta, maxScore};
  });
  for (const s of options.roster?.students ?? []) if (!rows.has(s.id)) rows.set(s.id, {student: s.id, name: s.name, source: 'none', flagged: false, labs: {}, total: 0, maxTotal: 0});
  const students = [...rows.values()].sort((a, b) => byName(a.student, b.student));
  for (const row of students) finishRow(row, labs);
  const trusts = students.filter((r) => r.source !== 'none').map((r) => r.source);
  const source = trusts.includes('unverified') ? 'unverified' : trusts.length > 0 && trusts.every((t) => isSigned(t as Trust)) ? 'signed' : 'self-submitted';
  const gb: Gradebook = {source, trust: trustNote, labs, students, warnings, skipped};
  gb.statistics = statistics(gb);
  return gb;
}

/** The row's cells in assignment order, its totals, and its weakest trust. */
function finishRow(row: StudentRow, labs: Assignment[]): void {
  row.labs = Object.fromEntries(labs.filter((l) => row.labs[l.id]).map((l) => [l.id, row.labs[l.id]]));
  const grades = Object.values(row.labs);
  row.total = grades.reduce((s, g) => s + g.score, 0);
  row.maxTotal = labs.reduce((s, l) => s + l.maxScore, 0);
  const rank: Trust[] = ['unverified', 'self-submitted', 'collected', 'sandbox'];
  row.source = grades.length === 0 ? 'none' : rank.find((t) => grades.some((g) => g.trust === t))!;
  row.flagged = grades.some((g) => g.trust === 'unverified');
}

/** An assignment's maximum as most results state it; a warning when they disagree (an edited file, or another version). */
function assignmentMaximum(id: string, grades: {student: string; grade: LabGrade}[]): {maxScore: number; warning?: string} {
  const counts = new Map<number, number>();
  for (const {grade} of grades) counts.set(grade.maxScore, (counts.get(grade.maxScore) ?? 0) + 1);
  const [maxScore] = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0];
  if (counts.size === 1) return {maxScore};
  const odd = grades.filter((g) => g.grade.maxScore !== maxScore).map((g) => `${g.student} (${g.grade.maxScore})`);
  return {maxScore, warning: `${id}: most results have a maximum of ${maxScore} points, but not ${odd.join(', ')}: an edited file, or a different version of the assignment`};
}
