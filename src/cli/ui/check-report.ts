/** How `lab check` shows results: ✓/✗ per check, observed vs expected, the concept, and the score. */
import chalk from 'chalk';
import type {StepResult} from '../../lab/grading/run-checks.js';
import {localize} from '../../lab/render/text.js';

export function renderResults(results: StepResult[], lang: string, verbose: boolean): string {
  const out: string[] = [];
  results.forEach((r) => {
    const index = r.step.id;
    const mark = r.done ? chalk.green('✓') : chalk.red('✗');
    out.push(`${mark} ${chalk.bold(localize(r.step.title, lang))} ${chalk.dim(`(${index}, ${r.score}/${r.maxScore})`)}`);
    if (r.done && !verbose) return;
    for (const c of r.checks) {
      const m = c.verdict.pass ? chalk.green('  ✓') : c.done ? chalk.green('  ✓') + chalk.dim(' (earlier)') : chalk.red('  ✗');
      out.push(`${m} ${c.id}: ${c.verdict.pass || !c.done ? c.verdict.observed : 'passed earlier in this session'}`);
      if (!c.done) {
        out.push(chalk.dim(`      expected: ${c.verdict.expected}`));
        if (c.verdict.concept) out.push(chalk.dim(`      why: ${c.verdict.concept}`));
      }
      if (c.verdict.warning) out.push(chalk.yellow(`      ! ${c.verdict.warning}`));
    }
  });
  const score = results.reduce((s, r) => s + r.score, 0);
  const max = results.reduce((s, r) => s + r.maxScore, 0);
  out.push('', `${chalk.bold('Score')}: ${score}/${max}`);
  return out.join('\n');
}
