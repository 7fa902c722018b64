import {Args, Command, Flags} from '@oclif/core';

export default class HomeworkCheck extends Command {
  static override summary = 'Grade homework submissions (a folder per student) in disposable sandboxes on a private engine';
  static override description = `Each direct subfolder of SUBMISSIONS_DIR is one student; its name is the student's id. Each submission is copied
without following links, built with docker build on a private engine (started for this run, removed at its end),
run without network under memory, pids and time limits, and graded by the lab's homework.json. Writes
<out>/<student>-<lab>-results.json in Gradescope's shape (root).`;
  static override examples = ['<%= config.bin %> homework check ./submissions --lab 26 --out ./grades'];
  static override args = {submissions: Args.string({description: 'a folder with one subfolder per student', required: true})};
  static override flags = {
    lab: Flags.string({description: 'the lab whose homework.json grades the submissions, e.g. 26', required: true}),
    out: Flags.string({char: 'o', description: 'where the results files go (default: ./homework-<lab>-results)'}),
    lang: Flags.string({description: 'language of the check names in results files (ru|en; default $LAB_LANG or en)'}),
  };
  static override enableJsonFlag = true;

  async run() {
    const {args, flags} = await this.parse(HomeworkCheck);
    const {chalkStderr, supportsColor} = await import('chalk');
    const {resolve} = await import('node:path');
    const {loadHomework} = await import('../../../lab/homework/load.js');
    const {checkHomework} = await import('../../../lab/homework/run.js');
    const {summaryTable} = await import('../../../lab/homework/summary.js');
    const hw = loadHomework(flags.lab);
    const lang = flags.lang ?? process.env.LAB_LANG ?? 'en';
    const out = resolve(flags.out ?? `homework-${hw.lab}-results`);
    const started = Date.now();
    const reports = await checkHomework(hw, {
      submissions: args.submissions, out, lang,
      progress: (student, m) => process.stderr.write(`${chalkStderr.dim('›')} ${student === '-' ? '' : `${chalkStderr.bold(student)}: `}${m}\n`),
    });
    const seconds = (Date.now() - started) / 1000;
    if (!this.jsonEnabled()) {
      this.log(reports.length ? summaryTable(reports, hw.checks.map((c) => c.id), Boolean(supportsColor) && Boolean(process.stdout.isTTY)) : 'No submissions found.');
      this.log(`\n${reports.filter((r) => !r.rejected).length} student(s) checked in ${seconds.toFixed(1)} s; results in ${out}`);
    }
    return {lab: hw.lab, out, seconds, students: reports};
  }
}
