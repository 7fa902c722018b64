/** Which files to read: files named on the command line as they are, directories searched for `*results.json`. */
import {readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {GradebookError} from './types.js';

/** Files under `dir` whose name ends in results.json; symlinked directories are not followed (no loops). */
function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.name.endsWith('results.json') && (entry.isFile() || (entry.isSymbolicLink() && statSync(path, {throwIfNoEntry: false})?.isFile()))) out.push(path);
  }
}

export function findResultsFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    const stat = statSync(path, {throwIfNoEntry: false});
    if (!stat) throw new GradebookError(`${path}: no such file or directory`);
    if (stat.isDirectory()) {
      const found: string[] = [];
      walk(path, found);
      if (found.length === 0) throw new GradebookError(`${path}: no *results.json files in this directory or below it`);
      files.push(...found.sort());
    } else if (stat.isFile()) {
      files.push(path);
    } else {
      throw new GradebookError(`${path}: not a file or directory`);
    }
  }
  return [...new Set(files)];
}
