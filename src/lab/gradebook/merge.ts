/**
 * From submissions to the gradebook: one submission per (student, lab) — the newest by submittedAt, with a
 * warning naming what was left out — then one row per student with a cell per lab and the total.
 */
import type {CheckGrade, Gradebook, LabGrade, StudentRow, Submission} from './types.js';
import {sourceOf, trustNote} from './types.js';

const byName = (a: string, b: string) => a.localeCompare(b, 'en', {numeric: true}) || (a < b ? -1 : a > b ? 1 : 0);

/** The newest submission of each (student, lab), and a warning for each pair that had more than one. */
export function newestSubmissions(submissions: Submission[]): {kept: Submission[]; warnings: string[]} {
  const groups = new Map<string, Submission[]>();
  for (const s of submissions) {
    const key = JSON.stringify([s.results.extra_data.student, s.results.extra_data.lab]);
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const kept: Submission[] = [];
  const warnings: string[] = [];
  for (const group of groups.values()) {
    // Newest first; equal times in file order, so the outcome does not depend on the order files were named in.
    const sorted = [...group].sort((a, b) => Date.parse(b.results.extra_data.submittedAt) - Date.parse(a.results.extra_data.submittedAt) || byName(a.file, b.file));
    const [newest, ...older] = sorted;
    kept.push(newest);
    if (older.length === 0) continue;
    const {student, lab, submittedAt} = newest.results.extra_data;
    const tie = older.some((o) => Date.parse(o.results.extra_data.submittedAt) === Date.parse(submittedAt));
    warnings.push(
      `${student}, lab ${lab}: ${group.length} submissions; kept the newest, ${newest.file} (${submittedAt})` +
        `${tie ? ', which has the same time as another: chosen by file name' : ''}; left out ${older.map((o) => `${o.file} (${o.results.extra_data.submittedAt})`).join(', ')}`,
    );
  }
  return {kept, warnings};
}

function labGrade(s: Submission): LabGrade {
  const r = s.results;
  const checks = r.tests.map((t): CheckGrade => ({name: t.name, points: t.score, maxPoints: t.max_score, passed: t.status !== 'failed' && t.score >= t.max_score, output: t.output ?? ''}));
  return {score: r.score, maxScore: r.extra_data.maxScore, submittedAt: r.extra_data.submittedAt, provider: r.extra_data.provider, file: s.file, checks};
}

/** A lab's maximum as most submissions state it; a warning when they disagree (an edited file, or another version of the lab). */
function labMaximum(lab: string, grades: {student: string; grade: LabGrade}[]): {maxScore: number; warning?: string} {
  const counts = new Map<number, number>();
  for (const {grade} of grades) counts.set(grade.maxScore, (counts.get(grade.maxScore) ?? 0) + 1);
  const [maxScore] = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0];
  if (counts.size === 1) return {maxScore};
  const odd = grades.filter((g) => g.grade.maxScore !== maxScore).map((g) => `${g.student} (${g.grade.maxScore})`);
  return {maxScore, warning: `lab ${lab}: most submissions have a maximum of ${maxScore} points, but not ${odd.join(', ')}: an edited file, or a different version of the lab`};
}

export function buildGradebook(submissions: Submission[], skipped: {file: string; error: string}[] = []): Gradebook {
  const {kept, warnings} = newestSubmissions(submissions);
  const rows = new Map<string, StudentRow>();
  const perLab = new Map<string, {student: string; grade: LabGrade}[]>();
  for (const s of kept) {
    const {student, lab} = s.results.extra_data;
    const grade = labGrade(s);
    const row: StudentRow = rows.get(student) ?? {student, source: sourceOf(grade.provider), labs: {}, total: 0, maxTotal: 0};
    // One self-submitted lab makes the whole row self-submitted.
    if (sourceOf(grade.provider) === 'self-submitted') row.source = 'self-submitted';
    row.labs[lab] = grade;
    row.total += grade.score;
    row.maxTotal += grade.maxScore;
    rows.set(student, row);
    perLab.set(lab, [...(perLab.get(lab) ?? []), {student, grade}]);
  }
  const labs = [...perLab.keys()].sort(byName).map((id) => {
    const {maxScore, warning} = labMaximum(id, perLab.get(id)!);
    if (warning) warnings.push(warning);
    return {id, maxScore};
  });
  const students = [...rows.values()].sort((a, b) => byName(a.student, b.student));
  for (const row of students) row.labs = Object.fromEntries(labs.filter((l) => row.labs[l.id]).map((l) => [l.id, row.labs[l.id]]));
  const source = students.length > 0 && students.every((r) => r.source === 'sandbox') ? 'sandbox' : 'self-submitted';
  return {source, trust: trustNote, labs, students, warnings, skipped};
}
