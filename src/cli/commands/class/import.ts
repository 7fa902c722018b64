import {Args, Command, Flags} from '@oclif/core';

export default class ClassImport extends Command {
  static override summary = 'Import the class list from a Moodle or Canvas participants export, or a plain CSV, into roster.json';
  static override description = [
    'Reads a CSV export (UTF-8, with or without a byte order mark; comma or semicolon separated) and writes the roster that `lab grades` and `lab grades collect` use. The format is told by its header row:',
    '  Moodle: the participants page\'s "Download table data as CSV" or a user export (First name, Last name, Email address, and Username or ID number if present); the id is the username, else the ID number, else the e-mail.',
    '  Canvas: the gradebook export (Student, ID, SIS User ID, SIS Login ID, Section); the id is the SIS login, else the SIS user id, else Canvas\'s ID.',
    '  Plain: an id column (and optional name, email, username, host for ssh collection, dir for local collection).',
    'Ids and names are kept exactly as given, with any Unicode (antonín.dvořák is a valid id); file names made from them are slugs with a hash. A row with no id or an id seen before stops the import, naming the line.',
  ].join('\n');

  static override examples = ['<%= config.bin %> class import moodle-participants.csv', '<%= config.bin %> class import canvas-grades.csv --out course/roster.json'];
  static override enableJsonFlag = true;
  static override args = {file: Args.string({description: 'the CSV export', required: true})};
  static override flags = {out: Flags.string({char: 'o', description: 'the roster file to write', default: 'roster.json'})};

  async run() {
    const {args, flags} = await this.parse(ClassImport);
    const {importRoster} = await import('../../../lab/roster/import.js');
    const {saveRoster} = await import('../../../lab/roster/store.js');
    try {
      const roster = importRoster(args.file);
      saveRoster(flags.out, roster);
      if (!this.jsonEnabled()) this.log(`${roster.students.length} students from a ${roster.format} export written to ${flags.out}`);
      return {...roster, out: flags.out};
    } catch (error) {
      if ((error as Error).name === 'RosterError' || (error as NodeJS.ErrnoException).code === 'ENOENT') this.error((error as Error).message, {exit: 1});
      throw error;
    }
  }
}
