import {Args, Command, Flags} from '@oclif/core';

export default class HomeworkCheck extends Command {
  static override summary = 'Grade homework submissions (a folder per student) in disposable sandboxes on a private engine';
  static override description = `SUBMISSIONS is a folder, or an LMS "download all" zip as it was downloaded (unpacked here).
Each folder, .zip or .tar.gz in it is one student; its name is the student's id (any Unicode;
an LMS "download all" name such as Moodle's "Jana Nováková_12345_assignsubmission_file_" gives "Jana Nováková").
Canvas's "Download Submissions" files ("novakjan_12345_67890_hw.zip", "novakjan_LATE_12345_67890_Dockerfile")
are gathered per Canvas user id; a LATE mark is flagged. With --roster (from lab class import) every entry is
mapped to its roster student — Canvas files by user id, the rest by id, username, e-mail or name — and one that
is on no roster is flagged.
Deadlines are judged on when each student handed in, never on when the check ran: the exact time from Moodle's
grading worksheet (--worksheet: "Last modified (submission)"; or Canvas's submissions list saved as CSV with
user_id and submitted_at), else, for a Moodle folder or Canvas file, the time
the LMS gave its files in the download (the zip's entry times; as unpacked, the files' times, which unzip keeps);
--timezone names the zone those zone-less times are in (default: this machine's). Any other entry's hand-in time
is unknown: its result says so (no submittedAt, handIn.source "unknown"), the run's summary names it, and no
deadline or late penalty can be applied to it. A worksheet row
that cannot be read (a bad date, a participant on no roster, a second row for one submission) stops the run
before anything is checked, naming the file, line and column.
Each submission is unpacked or copied without following links, within the homework's size limits (a file left
out is named, with the limit), built with docker build on a private engine (started for this run, removed at
its end), run without network under memory, pids and time limits, and graded by the lab's homework.json (or a
course's own file given with --homework; check one first with lab homework lint). --jobs students are checked
at once. Submissions worth a look (links to host files, prebuilt or shared binaries) are flagged. Writes
each result in Gradescope's shape, signed with your grading key, to the results store --out as a new file
(<out>/<student>/<lab>-homework/<time>-<hash>-results.json): a second run adds an attempt beside the first, and
lab grades picks the one that counts by its policy. Exits 1 when a submission had to be skipped;
Ctrl-C, SIGTERM, SIGHUP or a closed output pipe stop the run and remove the sandbox.

With --queue redis://host:port the building and running are done by "lab worker"s on any number of machines:
each submission is copied here as above and sent in a job on a BullMQ queue in that Redis; the results are
checked, signed and stored here, the same as a run on this machine. Started again after an interruption, the
same command picks up the results already graded instead of grading them twice.`;
  static override examples = [
    '<%= config.bin %> homework check ./submissions --lab 26 --out ./grades',
    '<%= config.bin %> homework check ./submissions --homework ./week3/homework.json',
    '<%= config.bin %> homework check ./week3-download.zip --lab 26 --roster roster.json --worksheet ./grading-worksheet.csv --timezone Europe/Prague',
    '<%= config.bin %> homework check ./submissions --lab 26 --queue redis://127.0.0.1:6379',
  ];
  static override args = {submissions: Args.string({description: 'a folder with an entry per student, or an LMS download .zip', required: true})};
  static override flags = {
    lab: Flags.string({description: 'the lab whose homework.json grades the submissions, e.g. 26', exactlyOne: ['lab', 'homework']}),
    homework: Flags.string({description: 'a homework definition file of your own (the format of exercises/26/homework.json)', exactlyOne: ['lab', 'homework']}),
    out: Flags.string({char: 'o', description: 'the results store each attempt is added to (default: ./homework-<lab>-results)'}),
    roster: Flags.string({description: 'the class list (roster.json, from lab class import) to map submissions to students'}),
    worksheet: Flags.string({description: 'Moodle\'s grading worksheet (CSV) of this assignment, or Canvas\'s submissions (user_id, submitted_at): each student\'s exact hand-in time'}),
    timezone: Flags.string({description: 'the time zone of the LMS\'s zone-less times (zip entries, worksheet dates), e.g. Europe/Prague (default: this machine\'s)'}),
    jobs: Flags.integer({char: 'j', min: 1, max: 64, description: 'submissions checked at once (default: the number of cores)'}),
    lang: Flags.string({description: 'language of the check names in results files (ru|en; default $LAB_LANG or en)'}),
    queue: Flags.string({description: 'grade on lab workers through the BullMQ queue in this Redis (redis://host:port) instead of here', env: 'LAB_QUEUE', exclusive: ['jobs']}),
    'queue-name': Flags.string({description: 'with --queue: the BullMQ queue (default lab-grading)', dependsOn: ['queue']}),
  };
  static override enableJsonFlag = true;

  async run() {
    const {args, flags} = await this.parse(HomeworkCheck);
    const {chalkStderr, supportsColor} = await import('chalk');
    const {resolve} = await import('node:path');
    const {loadHomework, loadHomeworkFile} = await import('../../../lab/homework/load.js');
    const {checkHomework} = await import('../../../lab/homework/run.js');
    const {summaryTable} = await import('../../../lab/homework/summary.js');
    const {loadRoster} = await import('../../../lab/roster/store.js');
    const {loadWorksheet} = await import('../../../lab/homework/worksheet.js');
    const {checkZone} = await import('../../../lab/homework/zoned-time.js');
    let hw;
    let roster;
    let worksheet;
    try {
      hw = flags.homework ? loadHomeworkFile(flags.homework) : loadHomework(flags.lab!);
      roster = flags.roster ? loadRoster(flags.roster) : undefined;
      if (flags.timezone) checkZone(flags.timezone);
      worksheet = flags.worksheet ? loadWorksheet(flags.worksheet, flags.timezone) : undefined;
    } catch (error) {
      if (['HomeworkError', 'RosterError', 'RangeError'].includes((error as Error).name)) this.error((error as Error).message, {exit: 2});
      throw error;
    }
    const lang = flags.lang ?? process.env.LAB_LANG ?? 'en';
    const out = resolve(flags.out ?? `homework-${hw.lab}-results`);
    const started = Date.now();
    const line = (student: string, m: string) => process.stderr.write(`${chalkStderr.dim('›')} ${student === '-' ? '' : `${chalkStderr.bold(student)}: `}${m}\n`);
    const common = {submissions: args.submissions, out, lang, jobs: flags.jobs, roster, worksheet, timezone: flags.timezone, progress: line};
    let run: Promise<Awaited<ReturnType<typeof checkHomework>>>;
    if (flags.queue) {
      const {checkHomeworkOnQueue} = await import('../../../lab/homework/queued-run.js');
      const {progressReporter} = await import('../../ui/progress-bar.js');
      // On a terminal, a bar of the submissions graded; in a log, every step of every job as a line.
      const bar = process.stderr.isTTY && !this.jsonEnabled() ? progressReporter() : undefined;
      run = checkHomeworkOnQueue(hw, {...common, progress: bar ? () => undefined : line, queue: flags.queue, queueName: flags['queue-name'], completed: bar?.update});
    } else {
      run = checkHomework(hw, common);
    }
    const reports = await run.catch((error: Error) => (['HomeworkError', 'QueueError'].includes(error.name) ? this.error(error.message, {exit: 2}) : Promise.reject(error)));
    const seconds = (Date.now() - started) / 1000;
    // The run is over and the sandbox gone: a reader that went away now only shortens what is printed.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? process.exit(141) : undefined));
    const skipped = reports.filter((r) => r.rejected);
    if (!this.jsonEnabled()) {
      this.log(reports.length ? summaryTable(reports, hw.checks.map((c) => c.id), Boolean(supportsColor) && Boolean(process.stdout.isTTY)) : 'No submissions found.');
      this.log(`\n${reports.length - skipped.length} student(s) checked in ${seconds.toFixed(1)} s; results in ${out}`);
      const unknown = reports.filter((r) => !r.rejected && !r.submittedAt);
      if (unknown.length) this.log(`${unknown.length} submission(s) with no known hand-in time (no LMS record of it; --worksheet gives one): no deadline or late penalty can be applied to ${unknown.map((r) => r.student).join(', ')}`);
      if (skipped.length) this.log(`${skipped.length} submission(s) SKIPPED, not graded: ${skipped.map((r) => `${r.entry} (${r.rejected})`).join('; ')}`);
    }
    if (skipped.length) process.exitCode = 1;
    return {lab: hw.lab, out, seconds, skipped: skipped.length, students: reports};
  }
}
