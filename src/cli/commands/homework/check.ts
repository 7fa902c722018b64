import {Args, Command, Flags} from '@oclif/core';

export default class HomeworkCheck extends Command {
  static override summary = 'Grade homework submissions (a folder per student) in disposable sandboxes on a private engine';
  static override description = `Each direct subfolder of SUBMISSIONS_DIR is one student; its name is the student's id. Each submission is copied
without following links, built with docker build on a private engine (started for this run, removed at its end),
run without network under memory, pids and time limits, and graded by the lab's homework.json (or a course's own
file given with --homework). Writes <out>/<student>-<lab>-results.json in Gradescope's shape (root).`;
  static override examples = [
    '<%= config.bin %> homework check ./submissions --lab 26 --out ./grades',
    '<%= config.bin %> homework check ./submissions --homework ./week3/homework.json',
  ];
  static override args = {submissions: Args.string({description: 'a folder with one subfolder per student', required: true})};
  static override flags = {
    lab: Flags.string({description: 'the lab whose homework.json grades the submissions, e.g. 26', exactlyOne: ['lab', 'homework']}),
    homework: Flags.string({description: 'a homework definition file of your own (the format of exercises/26/homework.json)', exactlyOne: ['lab', 'homework']}),
    out: Flags.string({char: 'o', description: 'where the results files go (default: ./homework-<lab>-results)'}),
    lang: Flags.string({description: 'language of the check names in results files (ru|en; default $LAB_LANG or en)'}),
  };
  static override enableJsonFlag = true;

  async run() {
    const {args, flags} = await this.parse(HomeworkCheck);
    const {chalkStderr, supportsColor} = await import('chalk');
    const {resolve} = await import('node:path');
    const {loadHomework, loadHomeworkFile} = await import('../../../lab/homework/load.js');
    const {checkHomework} = await import('../../../lab/homework/run.js');
    const {summaryTable} = await import('../../../lab/homework/summary.js');
    let hw;
    try {
      hw = flags.homework ? loadHomeworkFile(flags.homework) : loadHomework(flags.lab!);
    } catch (error) {
      if ((error as Error).name === 'HomeworkError') this.error((error as Error).message, {exit: 2});
      throw error;
    }
    const lang = flags.lang ?? process.env.LAB_LANG ?? 'en';
    const out = resolve(flags.out ?? `homework-${hw.lab}-results`);
    const started = Date.now();
    const reports = await checkHomework(hw, {
      submissions: args.submissions, out, lang,
      progress: (student, m) => process.stderr.write(`${chalkStderr.dim('›')} ${student === '-' ? '' : `${chalkStderr.bold(student)}: `}${m}\n`),
    }).catch((error: Error) => (error.name === 'HomeworkError' ? this.error(error.message, {exit: 2}) : Promise.reject(error)));
    const seconds = (Date.now() - started) / 1000;
    if (!this.jsonEnabled()) {
      this.log(reports.length ? summaryTable(reports, hw.checks.map((c) => c.id), Boolean(supportsColor) && Boolean(process.stdout.isTTY)) : 'No submissions found.');
      this.log(`\n${reports.filter((r) => !r.rejected).length} student(s) checked in ${seconds.toFixed(1)} s; results in ${out}`);
    }
    return {lab: hw.lab, out, seconds, students: reports};
  }
}
