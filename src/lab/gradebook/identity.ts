/**
 * Whose result a file is. Usually extra_data.student, mapped onto the roster (by id, username, e-mail or name).
 * A student who forgot `lab start --student` submits as "student" or as their login ("root" in a VM): such files
 * are told apart by the folder they were handed in from (an LMS "download all" folder is named after the
 * student), so they never merge into one row.
 */
import {basename, dirname} from 'node:path';
import type {Roster} from '../roster/types.js';
import {findStudent} from '../roster/store.js';

export const placeholderIds = new Set(['student', 'root', 'user', 'debian']);

/** An LMS download folder's name without the submission suffix Moodle adds ("Jan Novák_4411_assignsubmission_file_"). */
export const folderOwner = (folder: string) => folder.replace(/_\d+_assignsubmission_\w*$/, '').replace(/_\d+_?$/, '').trim();

export function studentOf(file: string, claimed: string, roster?: Roster): {id: string; name?: string; warning?: string} {
  const known = roster && findStudent(roster, claimed);
  if (known) return {id: known.id, name: known.name};
  if (!placeholderIds.has(claimed)) return {id: claimed, warning: roster ? `${file}: student ${JSON.stringify(claimed)} is not on the roster` : undefined};
  const folder = folderOwner(basename(dirname(file)));
  const byFolder = roster && folder ? findStudent(roster, folder) : undefined;
  if (byFolder) return {id: byFolder.id, name: byFolder.name, warning: `${file}: submitted as ${JSON.stringify(claimed)} (no --student given); counted for ${byFolder.id}, after its folder`};
  const id = `${claimed} (${folder || file})`;
  return {id, warning: `${file}: submitted as ${JSON.stringify(claimed)} (no --student given); kept apart as ${JSON.stringify(id)}: rename it or add the student to the roster`};
}
