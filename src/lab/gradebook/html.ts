/**
 * The gradebook as one self-contained HTML page (templates/gradebook/gradebook.html.hbs): students × labs, then per
 * student the checks that failed with their output. Every student-written string goes through handlebars' {{ }}
 * escaping; the page also forbids scripts through its Content-Security-Policy.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import Handlebars from 'handlebars';
import {templatesRoot} from '../exercises/load.js';
import type {Gradebook} from './types.js';

export const gradebookTemplate = () => join(templatesRoot(), 'gradebook', 'gradebook.html.hbs');

/** What the template shows, already worked out: the template only places values. */
export function htmlView(gb: Gradebook) {
  return {
    trust: gb.trust,
    labs: gb.labs,
    // Files left out with --skip-invalid are among the warnings.
    warnings: gb.warnings,
    students: gb.students.map((s, index) => {
      const failed = gb.labs.flatMap((l) => {
        const grade = s.labs[l.id];
        if (!grade) return [];
        const checks = grade.checks.filter((c) => !c.passed);
        return checks.length || grade.problem ? [{lab: l.id, score: grade.score, maxScore: grade.maxScore, submittedAt: grade.submittedAt, file: grade.file, trust: grade.trust, problem: grade.problem, checks}] : [];
      });
      return {
        anchor: `student-${index + 1}`,
        student: s.student,
        name: s.name ?? '',
        source: s.source,
        flagged: s.flagged,
        cells: gb.labs.map((l) => {
          const g = s.labs[l.id];
          return g ? {submitted: true, score: g.score, maxScore: g.maxScore, full: g.score >= g.maxScore, trust: g.trust, unverified: g.trust === 'unverified', late: g.daysLate > 0} : {submitted: false};
        }),
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
  return compiled(htmlView(gb));
}
