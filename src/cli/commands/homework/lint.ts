import {Args, Command} from '@oclif/core';

export default class HomeworkLint extends Command {
  static override summary = 'Check a homework definition before grading with it: every problem, with its JSON path';
  static override description = `Reads FILE (the format of exercises/26/homework.json) and reports every problem at once, each as
"FILE: at /json/path: what is wrong": unknown keys (with the key most likely meant), missing or out-of-range
values, test cases without a name, regexes that do not compile, check ids used twice. Exits 0 when the file can
be used, 2 when it cannot.`;
  static override examples = ['<%= config.bin %> homework lint ./week3/homework.json'];
  static override args = {file: Args.string({description: 'the homework definition to check', required: true})};
  static override enableJsonFlag = true;

  async run() {
    const {args} = await this.parse(HomeworkLint);
    const {readFileSync} = await import('node:fs');
    const {lintHomework} = await import('../../../lab/homework/load.js');
    let text: string;
    try {
      text = readFileSync(args.file, 'utf8');
    } catch (error) {
      this.error(`cannot read ${args.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {exit: 2});
    }
    const problems = lintHomework(args.file, text);
    if (!this.jsonEnabled()) {
      if (problems.length === 0) this.log(`${args.file}: OK`);
      for (const p of problems) process.stderr.write(`${p}\n`);
    }
    if (problems.length) process.exitCode = 2;
    return {file: args.file, ok: problems.length === 0, problems};
  }
}
