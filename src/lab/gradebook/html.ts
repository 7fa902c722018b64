/**
 * The gradebook as one self-contained HTML page (templates/gradebook/gradebook.html.hbs): a summary per
 * assignment (an SVG chart of each check's pass rate, the common failures, time to full marks), then one sortable,
 * filterable table — students × assignments with a column per check and each grade's trust label — and each
 * student's failed checks, folded. Every student-written string goes through handlebars' {{ }} escaping; the
 * page's Content-Security-Policy allows no script but its own (templates/gradebook/gradebook.js, by its hash).
 */
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import Handlebars from 'handlebars';
import {templatesRoot} from '../exercises/load.js';
import {checkId, statistics} from './stats.js';
import type {Gradebook, LabGrade} from './types.js';

/** When a grade's attempt was handed in and, apart from that, checked: both, as the teacher needs to see them. */
export function whenText(g: LabGrade): string {
  const handedIn = g.submittedAt ? `handed in ${g.submittedAt}${g.handIn ? ` (${g.handIn})` : ''}` : 'hand-in time unknown';
  return `${handedIn}${g.checkedAt ? `, checked ${g.checkedAt}` : ''}`;
}

export const gradebookTemplate = () => join(templatesRoot(), 'gradebook', 'gradebook.html.hbs');
const gradebookScript = () => join(templatesRoot(), 'gradebook', 'gradebook.js');

function chart(stats: ReturnType<typeof statistics>[number]) {
  const labelWidth = 140;
  const barWidth = 240;
  const bars = stats.checks.map((c, i) => ({
    check: c.check, passed: c.passed, total: c.total, percent: Math.round(c.rate * 100),
    x: labelWidth, y: 4 + i * 20, textY: 15 + i * 20, full: barWidth, width: Math.round(c.rate * barWidth), labelX: labelWidth + barWidth + 6,
  }));
  return {width: labelWidth + barWidth + 50, height: 8 + bars.length * 20, bars};
}

/** What the template shows, already worked out: the template only places values. */
export function htmlView(gb: Gradebook) {
  const stats = gb.statistics ?? statistics(gb);
  // Each assignment: its score column, then one narrow column per check, in the order its results list them.
  const checksOf = new Map(gb.labs.map((l) => [l.id, [...new Set(gb.students.flatMap((s) => (s.labs[l.id]?.checks ?? []).map((c) => checkId(c.name))))]]));
  const columns = gb.labs.flatMap((l) => [
    {key: l.id, label: `${l.kind} ${l.lab}`, type: 'num', title: `${l.id}: score of ${l.maxScore}`},
    ...checksOf.get(l.id)!.map((c) => ({key: `${l.id}/${c}`, label: c, type: 'num', title: `${l.id}: check ${c}`})),
  ]);
  return {
    trust: gb.trust,
    warnings: gb.warnings,
    stats: stats.map((s) => ({...s, chart: chart(s)})),
    columns,
    students: gb.students.map((s, index) => {
      const failed = gb.labs.flatMap((l) => {
        const grade = s.labs[l.id];
        if (!grade) return [];
        const checks = grade.checks.filter((c) => !c.passed);
        return checks.length || grade.problem ? [{lab: l.id, score: grade.score, maxScore: grade.maxScore, when: whenText(grade), file: grade.file, trust: grade.trust, problem: grade.problem ?? '', checks}] : [];
      });
      const cells = gb.labs.flatMap((l) => {
        const g = s.labs[l.id];
        const score = g ? {isCheck: false, submitted: true, score: g.score, maxScore: g.maxScore, full: g.score >= g.maxScore, trust: g.trust, unverified: g.trust === 'unverified', late: g.daysLate > 0, unknownTime: !g.submittedAt, when: whenText(g)} : {isCheck: false, submitted: false};
        const checks = checksOf.get(l.id)!.map((id) => {
          const c = g?.checks.find((x) => checkId(x.name) === id);
          return {isCheck: true, state: c ? (c.passed ? 'pass' : 'fail') : 'none', mark: c ? (c.passed ? '✓' : '✗') : '', value: c ? (c.passed ? 1 : 0) : ''};
        });
        return [score, ...checks];
      });
      return {
        anchor: `student-${index + 1}`,
        student: s.student,
        name: s.name ?? '',
        source: s.source,
        flagged: s.flagged,
        search: [s.student, s.name ?? '', s.source, ...failed.flatMap((f) => f.checks.map((c) => checkId(c.name)))].join(' ').toLowerCase(),
        cells,
        total: s.total,
        maxTotal: s.maxTotal,
        missing: gb.labs.filter((l) => !s.labs[l.id]).map((l) => l.id),
        failed,
      };
    }),
  };
}

let compiled: HandlebarsTemplateDelegate | undefined;

export function renderHtml(gb: Gradebook): string {
  // An instance of its own, with escaping on: helpers registered elsewhere cannot change what this page does.
  compiled ??= Handlebars.create().compile(readFileSync(gradebookTemplate(), 'utf8'), {noEscape: false, strict: true});
  const script = readFileSync(gradebookScript(), 'utf8');
  const scriptHash = `sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`;
  return compiled({...htmlView(gb), script, scriptHash});
}
