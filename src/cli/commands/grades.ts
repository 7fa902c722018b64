import {Args, Command, Flags} from '@oclif/core';

export default class Grades extends Command {
  static override summary = 'Turn results files into a gradebook (CSV, HTML, JSON, PrairieLearn) or a Moodle or Canvas grade import file';
  static override description = [
    'Reads results files (name files, or directories: they are searched, with their subdirectories, for files whose name ends in results.json): those your students made with `lab submit`, those `lab grades collect` collected and those `lab homework check` wrote. Each one is checked against the results schema and its sums; a file that fails stops the run with its name, the JSON path and what was expected there (--skip-invalid leaves it out with a warning).',
    'Trust: a student can edit a file they made; what cannot be forged is what you read yourself: `lab check`\'s collector run by you on each student\'s environment (`lab grades collect`) and `lab homework check` on the submissions. Both write results signed with your grading key (`lab grades key`), which never leaves this machine: they are marked "collected" or "sandbox" and always win over files the students submitted themselves ("self-submitted"). A file that claims to be collected or from the sandbox without a valid signature is marked "unverified" in every format (CSV flags column, HTML label, JSON trust and problem fields), never counted as signed, and left out of LMS import files.',
    'Every attempt is kept; which one counts is set by --policy or the course file (best, last, last-before-deadline: the default), as are deadlines, late penalties and extensions (--course course.json). With --roster (from `lab class import`) every student on the roster gets a row, also those with no result, and results are matched to the roster by id, username, e-mail or name.',
    'Formats: csv (the default), html (one page: scores with their trust, then each student\'s failed checks), json (the same as --json), prairielearn (a directory, one file per student and assignment, carrying the student id), moodle and canvas (grade import files; they need --roster). --bom starts CSV files with a byte order mark for Excel.',
  ].join('\n\n');

  static override examples = [
    {description: 'A CSV gradebook of every results file under results/', command: '<%= config.bin %> grades results/'},
    {description: 'A Moodle grade import file for the whole class, with the course\'s deadlines', command: '<%= config.bin %> grades results/ --roster roster.json --course course.json --format moodle --out moodle-grades.csv'},
    {description: 'A web page with each student\'s failed checks', command: '<%= config.bin %> grades results/ --format html --out grades.html --skip-invalid'},
    {description: 'PrairieLearn results, one file per student and assignment', command: '<%= config.bin %> grades results/ --format prairielearn --out pl-results/'},
  ];

  static override enableJsonFlag = true;
  static override strict = false;
  static override args = {
    paths: Args.string({description: 'results files, or directories to search for *results.json (more than one may be given)', required: true}),
  };

  static override flags = {
    format: Flags.string({char: 'f', description: 'what to write', options: ['csv', 'html', 'prairielearn', 'json', 'moodle', 'canvas'], default: 'csv'}),
    out: Flags.string({char: 'o', description: 'where to write it (default: the screen); for prairielearn, a directory (required)'}),
    roster: Flags.string({description: 'the class list (roster.json, from lab class import)'}),
    course: Flags.string({description: 'the course file (course.json): policy, deadlines, late penalties, extensions'}),
    policy: Flags.string({description: 'which attempt counts (overrides the course file\'s default)', options: ['best', 'last', 'last-before-deadline']}),
    bom: Flags.boolean({description: 'start CSV files with a UTF-8 byte order mark (for Excel)'}),
    'skip-invalid': Flags.boolean({description: 'leave out results files that are not valid, with a warning, instead of stopping'}),
  };

  async run() {
    const {argv, flags} = await this.parse(Grades);
    const {loadGradebook, renderText} = await import('../../lab/gradebook/render.js');
    const {writePrairieLearn} = await import('../../lab/gradebook/prairielearn.js');
    const {loadCourse} = await import('../../lab/gradebook/course.js');
    const {loadRoster} = await import('../../lab/roster/store.js');
    const {writeFileSync} = await import('node:fs');
    const format = flags.format as 'csv' | 'html' | 'prairielearn' | 'json' | 'moodle' | 'canvas';
    if (format === 'prairielearn' && !flags.out) this.error('--format prairielearn writes one file per student and assignment: name a directory with --out', {exit: 2});
    try {
      const roster = flags.roster ? loadRoster(flags.roster) : undefined;
      const course = flags.course ? loadCourse(flags.course) : {};
      if (flags.policy) course.policy = flags.policy as 'best';
      const gradebook = loadGradebook(argv as string[], {skipInvalid: flags['skip-invalid'], roster, course});
      for (const w of gradebook.warnings) this.warn(w);
      const n = gradebook.students.length;
      const summary = `${n} student${n === 1 ? '' : 's'}, ${gradebook.labs.length} assignment${gradebook.labs.length === 1 ? '' : 's'} (${gradebook.source === 'signed' ? 'all signed' : gradebook.source === 'unverified' ? 'SOME UNVERIFIED' : 'some self-submitted'})`;
      if (format === 'prairielearn') {
        const files = writePrairieLearn(flags.out!, gradebook);
        if (!this.jsonEnabled()) this.log(`${summary}: ${files.length} PrairieLearn results files written to ${flags.out}`);
        return gradebook;
      }
      const {text, warnings} = renderText(gradebook, format, {bom: flags.bom, roster});
      for (const w of warnings) this.warn(w);
      if (flags.out) {
        writeFileSync(flags.out, text);
        if (!this.jsonEnabled()) this.log(`${summary}: written to ${flags.out}`);
      } else if (!this.jsonEnabled()) {
        process.stdout.write(text);
      }
      return gradebook;
    } catch (error) {
      if (['GradebookError', 'ResultsFileError', 'RosterError'].includes((error as Error).name)) this.error((error as Error).message, {exit: 1});
      throw error;
    }
  }
}
