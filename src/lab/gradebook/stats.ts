/**
 * What a teacher wants to know beyond the grades: per assignment, how many handed in, the mean and median score,
 * each check's pass rate, the most common reasons checks failed, and the time from a student's first attempt to
 * their first attempt with full marks.
 */
import type {Gradebook} from './types.js';

export interface CheckStat {
  check: string;
  passed: number;
  total: number;
  rate: number;
}

export interface AssignmentStats {
  id: string;
  students: number;
  submitted: number;
  meanScore: number;
  medianScore: number;
  maxScore: number;
  checks: CheckStat[];
  /** The most common failures: the check and the first line of what was observed. */
  failures: {check: string; reason: string; count: number}[];
  /** Students whose attempts reached full marks, and how long that took after their first attempt. */
  completion: {completed: number; medianHours: number | null; maxHours: number | null};
}

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A check's short name: the id after "—" in "1. Title — id", else the whole name. */
export const checkId = (name: string) => name.split(' — ').at(-1)!;

/** The first line of a failed check's output that says what was seen, without its "observed:" label. */
export function failureReason(output: string): string {
  const line = output.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.replace(/^observed:\s*/, '').trim().slice(0, 160) || '(no output)';
}

export function statistics(gb: Gradebook): AssignmentStats[] {
  return gb.labs.map((lab) => {
    const grades = gb.students.flatMap((s) => (s.labs[lab.id] ? [s.labs[lab.id]] : []));
    const checks = new Map<string, CheckStat>();
    const failures = new Map<string, {check: string; reason: string; count: number}>();
    for (const g of grades) {
      for (const c of g.checks) {
        const id = checkId(c.name);
        const stat = checks.get(id) ?? {check: id, passed: 0, total: 0, rate: 0};
        stat.total++;
        if (c.passed) stat.passed++;
        checks.set(id, stat);
        if (!c.passed) {
          const reason = failureReason(c.output);
          const key = `${id}\n${reason}`;
          failures.set(key, {check: id, reason, count: (failures.get(key)?.count ?? 0) + 1});
        }
      }
    }
    const hours = grades.filter((g) => g.completedAt).map((g) => (Date.parse(g.completedAt!) - Date.parse(g.firstAttemptAt)) / 3_600_000);
    const scores = grades.map((g) => g.score);
    return {
      id: lab.id,
      students: gb.students.length,
      submitted: grades.length,
      meanScore: scores.length ? round(scores.reduce((a, b) => a + b, 0) / scores.length) : 0,
      medianScore: median(scores) ?? 0,
      maxScore: lab.maxScore,
      checks: [...checks.values()].map((c) => ({...c, rate: round(c.passed / c.total, 4)})),
      failures: [...failures.values()].sort((a, b) => b.count - a.count || a.check.localeCompare(b.check)).slice(0, 10),
      completion: {completed: hours.length, medianHours: hours.length ? round(median(hours)!) : null, maxHours: hours.length ? round(Math.max(...hours)) : null},
    };
  });
}
