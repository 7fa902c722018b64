/** How `lab check` shows results: ✓/✗ per check, observed vs expected, the concept, and the score. */
import chalk from 'chalk';
import type {StepResult} from '../../lab/grading/run-checks.js';
import {localize} from '../../lab/render/text.js';

/** Details for the first unfinished step only (unless verbose): one thing to work on at a time. */
export function renderResults(results: StepResult[], lang: string, verbose: boolean): string {
  const out: string[] = [];
  let detailed = false;
  results.forEach((r) => {
    const index = r.step.id;
    const later = !r.done && detailed && !verbose;
    const mark = r.done ? chalk.green('✓') : later ? chalk.dim('·') : chalk.red('✗');
    const title = later ? chalk.dim(localize(r.step.title, lang)) : chalk.bold(localize(r.step.title, lang));
    out.push(`${mark} ${title} ${chalk.dim(`(${index}, ${r.score}/${r.maxScore})`)}`);
    if ((r.done && !verbose) || later) return;
    if (!r.done) detailed = true;
    for (const c of r.checks) {
      const m = c.verdict.pass ? chalk.green('  ✓') : c.done ? chalk.green('  ✓') + chalk.dim(' (earlier)') : chalk.red('  ✗');
      out.push(`${m} ${c.id}: ${c.verdict.pass || !c.done ? c.verdict.observed : 'passed earlier in this session'}`);
      if (!c.done) {
        out.push(chalk.dim(`      expected: ${c.verdict.expected}`));
        // A question's concept is its answer: it is shown once the step is done, never beside a wrong answer.
        const why = r.step.question ? '' : localize(r.step.concept, lang) || c.verdict.concept;
        if (why) out.push(chalk.dim(`      why: ${why}`));
      }
      if (c.verdict.warning) out.push(chalk.yellow(`      ! ${c.verdict.warning}`));
    }
  });
  const score = results.reduce((s, r) => s + r.score, 0);
  const max = results.reduce((s, r) => s + r.maxScore, 0);
  out.push('', `${chalk.bold('Score')}: ${score}/${max}`);
  return out.join('\n');
}
