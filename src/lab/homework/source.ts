/** Source checks: judged on the copied submission itself, so a build that fails does not take them down too. */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {StudentFacts} from './student.js';
import type {CheckOutcome, HomeworkCheck} from './types.js';

/** "*.c" style names: `*` is any run of characters but "/". */
const globRegex = (glob: string) => new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);

export function judgeSource(check: HomeworkCheck, facts: StudentFacts): Omit<CheckOutcome, 'id'> {
  const files = check.files!;
  const pattern = check.pattern ? new RegExp(check.pattern, 'm') : undefined;
  const expected = `the submission holds ${files.join(', ')}${pattern ? `, each matching /${check.pattern}/m` : ''}`;
  const problems: string[] = [];
  const found: string[] = [];
  for (const glob of files) {
    const re = globRegex(glob);
    const matches = facts.copy.paths.filter((p) => re.test(p));
    if (matches.length === 0) {
      problems.push(`no ${glob}`);
      continue;
    }
    found.push(...matches);
    if (!pattern) continue;
    for (const m of matches) if (!pattern.test(readFileSync(join(facts.context, m), 'utf8'))) problems.push(`${m} does not match /${check.pattern}/m`);
  }
  const observed = problems.length ? problems.join('; ') : `found ${found.join(', ')}`;
  return {pass: problems.length === 0, expected, observed, evidence: {found}};
}
