/**
 * The submissions as the teacher has them: a folder (an LMS "download all" unpacked, or a folder per student), or
 * the LMS's download zip itself, unpacked here into a folder of its own — as hostile as any archive, and keeping
 * each entry's time, which is when the LMS received the file. Then each entry is listed and given its hand-in time.
 */
import {mkdtempSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import type {Roster} from '../roster/types.js';
import {unpackSubmission} from './archives.js';
import {assignHandIn} from './hand-in.js';
import {listSubmissions, type StudentEntry} from './listing.js';
import {HomeworkError} from './load.js';
import type {Worksheet} from './worksheet.js';

/** A whole class's download: far more than one submission, still bounded. */
const downloadLimits = {maxBytes: 1536 * 1048576, maxFiles: 200_000, maxFileBytes: 512 * 1048576};

export interface ListOptions {
  submissions: string;
  roster?: Roster;
  worksheet?: Worksheet;
  /** The zone the LMS wrote zone-less times in (a zip's DOS times); default this machine's. */
  timezone?: string;
  progress: (student: string, message: string) => void;
  /** Where a download zip is unpacked (default: the system's temporary folder). */
  scratch?: string;
}

/** The entries, each with its hand-in time, and what removes the unpacked download afterwards. */
export async function listHandIns(opts: ListOptions): Promise<{entries: StudentEntry[]; cleanup: () => void}> {
  const path = resolve(opts.submissions);
  let root = path;
  let cleanup = () => undefined as void;
  if (statSync(path, {throwIfNoEntry: false})?.isFile()) {
    if (!/\.zip$/i.test(path)) throw new HomeworkError(`${opts.submissions}: expected a folder of submissions or an LMS download (.zip)`);
    const dest = mkdtempSync(join(opts.scratch ?? tmpdir(), 'lab-download-'));
    // Also on the way out after a signal (the sandbox ends the process then): the students' files are not left behind.
    const remove = () => rmSync(dest, {recursive: true, force: true});
    process.on('exit', remove);
    cleanup = () => {
      process.removeListener('exit', remove);
      remove();
    };
    opts.progress('-', `unpacking the download ${opts.submissions}`);
    const {problems} = await unpackSubmission(path, 'zip', join(dest, 'submissions'), downloadLimits, opts.timezone);
    if (problems.length > 0) {
      cleanup();
      // A file missing from a student's hand-in would be graded as never handed in: the run does not start.
      throw new HomeworkError(`${opts.submissions}: the download cannot be unpacked whole (${problems.length} problem(s)): ${problems.slice(0, 10).join('; ')}`);
    }
    root = join(dest, 'submissions');
  }
  try {
    const listed = listSubmissions(root, opts.roster);
    const entries = assignHandIn(listed, {worksheet: opts.worksheet, roster: opts.roster, warn: (m) => opts.progress('-', m)});
    return {entries, cleanup};
  } catch (error) {
    cleanup();
    throw error;
  }
}
