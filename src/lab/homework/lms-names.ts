/**
 * What an LMS "download all submissions" archive names each student's files:
 *   Moodle — a folder per student, `Full Name_<participant>_assignsubmission_file_` (or `_onlinetext_`);
 *   Canvas — the student's files side by side, each `<name>[_LATE]_<user id>_<submission id>_<file name>`, where
 *            <name> is the sortable name in lower case without spaces or punctuation ("novakjan") and the user id
 *            is Canvas's own (the roster's lmsId, from the Canvas export), the only part that identifies the student.
 * Canvas puts "-1", "-2" behind a file name handed in again; the name is kept as it comes.
 */

export interface CanvasName {
  /** Canvas's sortable name, folded ("novakjan"): for people, not for matching. */
  name: string;
  userId: string;
  submissionId: string;
  /** Canvas marked the submission late (handed in after its due date). */
  late: boolean;
  /** The student's own file name. */
  file: string;
}

// Canvas folds the name to lower-case letters and digits; in other scripts its letters stay letters.
const canvasName = /^([\p{Ll}\p{Lo}\p{N}]+)_(LATE_)?(\d+)_(\d+)_(.+)$/u;

export function parseCanvasName(entry: string): CanvasName | undefined {
  const m = canvasName.exec(entry.normalize('NFC'));
  if (!m || m[5].trim() === '') return undefined;
  return {name: m[1], late: Boolean(m[2]), userId: m[3], submissionId: m[4], file: m[5]};
}

/**
 * Moodle's folder name read: the student's full name, as Moodle shows it, and the participant number, which is
 * the one in the "Identifier" column ("Participant 12345") of the same assignment's grading worksheet.
 */
export function moodleFolder(entry: string): {owner: string; participant: string} | undefined {
  const m = /^(.+?)_(\d+)_assignsubmission_[a-z]+_?$/.exec(entry.normalize('NFC'));
  return m ? {owner: m[1].trim(), participant: m[2]} : undefined;
}

/** Moodle's folder name without its submission suffix: the student's full name, as Moodle shows it. */
export const moodleOwner = (entry: string): string | undefined => moodleFolder(entry)?.owner;
