import {Args, Command, Flags} from '@oclif/core';

export default class Grades extends Command {
  static override summary = 'Turn students\' results files (from lab submit) into a gradebook: CSV, HTML, PrairieLearn or JSON';
  static override description = [
    'Reads the results.json files your students made with `lab submit` (name files, or directories: they are searched, with their subdirectories, for files whose name ends in results.json), checks each one, and writes one gradebook: a row per student, each lab\'s score and maximum, and the total.',
    'Each file is checked against the results schema and its sums (each check within its maximum, the score the sum of the checks). A file that fails stops the run with its name, the place in the file (a JSON path) and what was expected there; --skip-invalid leaves such files out with a warning instead. When a student handed in the same lab more than once, the newest (by submittedAt) counts, and a warning names the ones left out.',
    'Trust: results files are written on the students\' side, and a student can edit one. Every row is marked "self-submitted": the scores are only as trustworthy as the way you collected the files. To grade what is really there, run `lab check` on the student\'s environment, which reads the kernel\'s and the engine\'s state.',
    'Formats: csv (the default, for spreadsheets), html (one page with no external files: the scores, then each student\'s failed checks with their output), prairielearn (a directory with <student>-<lab>.json for each student and lab, in PrairieLearn\'s external-grader results format, score from 0 to 1), json (the gradebook for scripts; --json gives the same).',
  ].join('\n\n');

  static override examples = [
    {description: 'A CSV gradebook of every results file under submissions/, on the screen', command: '<%= config.bin %> grades submissions/'},
    {description: 'The same as a spreadsheet file', command: '<%= config.bin %> grades submissions/ --out grades.csv'},
    {description: 'A web page with each student\'s failed checks, leaving out files that are not valid', command: '<%= config.bin %> grades submissions/ --format html --out grades.html --skip-invalid'},
    {description: 'PrairieLearn results, one file per student and lab', command: '<%= config.bin %> grades alice-results.json bob-results.json --format prairielearn --out pl-results/'},
  ];

  static override enableJsonFlag = true;
  static override strict = false;
  static override args = {
    paths: Args.string({description: 'results files, or directories to search for *results.json (more than one may be given)', required: true}),
  };

  static override flags = {
    format: Flags.string({char: 'f', description: 'what to write', options: ['csv', 'html', 'prairielearn', 'json'], default: 'csv'}),
    out: Flags.string({char: 'o', description: 'where to write it (default: the screen); for prairielearn, a directory (required)'}),
    'skip-invalid': Flags.boolean({description: 'leave out results files that are not valid, with a warning, instead of stopping'}),
  };

  async run() {
    const {argv, flags} = await this.parse(Grades);
    const {loadGradebook, renderText} = await import('../../lab/gradebook/render.js');
    const {writePrairieLearn} = await import('../../lab/gradebook/prairielearn.js');
    const {GradebookError} = await import('../../lab/gradebook/types.js');
    const {writeFileSync} = await import('node:fs');
    const format = flags.format as 'csv' | 'html' | 'prairielearn' | 'json';
    if (format === 'prairielearn' && !flags.out) this.error('--format prairielearn writes one file per student and lab: name a directory with --out', {exit: 2});
    try {
      const gradebook = loadGradebook(argv as string[], {skipInvalid: flags['skip-invalid']});
      for (const w of gradebook.warnings) this.warn(w);
      const summary = `${gradebook.students.length} student${gradebook.students.length === 1 ? '' : 's'}, ${gradebook.labs.length} lab${gradebook.labs.length === 1 ? '' : 's'} (${gradebook.source === 'sandbox' ? 'checked in a sandbox' : 'self-submitted results'})`;
      if (format === 'prairielearn') {
        const files = writePrairieLearn(flags.out!, gradebook);
        if (!this.jsonEnabled()) this.log(`${summary}: ${files.length} PrairieLearn results files written to ${flags.out}`);
      } else if (flags.out) {
        writeFileSync(flags.out, renderText(gradebook, format));
        if (!this.jsonEnabled()) this.log(`${summary}: written to ${flags.out}`);
      } else if (!this.jsonEnabled()) {
        process.stdout.write(renderText(gradebook, format));
      }
      return gradebook;
    } catch (error) {
      if (error instanceof GradebookError || (error as Error).name === 'ResultsFileError') this.error((error as Error).message, {exit: 1});
      throw error;
    }
  }
}
