/** Reading results files: each one checked, bad ones either stopping the whole run or, asked to, set aside. */
import {readFileSync, statSync} from 'node:fs';
import {findResultsFiles} from './find.js';
import type {Submission} from './types.js';
import {parseResults, ResultsFileError} from './validate.js';

/** Far above any real results file; a bigger one is not read. */
export const maxFileBytes = 16 * 1024 * 1024;

export function readSubmission(file: string): Submission {
  const size = statSync(file).size;
  if (size > maxFileBytes) throw new ResultsFileError(file, `${size} bytes, more than a results file can be (${maxFileBytes})`);
  return {file, results: parseResults(file, readFileSync(file, 'utf8'))};
}

export interface ReadOutcome {
  submissions: Submission[];
  invalid: ResultsFileError[];
}

/** Every results file under `paths`; invalid ones are returned apart, for the caller to stop on or warn about. */
export function readSubmissions(paths: string[]): ReadOutcome {
  const submissions: Submission[] = [];
  const invalid: ResultsFileError[] = [];
  for (const file of findResultsFiles(paths)) {
    try {
      submissions.push(readSubmission(file));
    } catch (error) {
      if (error instanceof ResultsFileError) invalid.push(error);
      else invalid.push(new ResultsFileError(file, (error as Error).message));
    }
  }
  return {submissions, invalid};
}
