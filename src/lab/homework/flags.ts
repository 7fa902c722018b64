/**
 * Submissions a teacher should look at, whatever their grade: links to files of the host, programs handed in
 * prebuilt instead of built from the submitted source, and (across the run) the same binary from several students.
 * Flags never change a score; they go into the results file and the summary.
 */
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {basename, join} from 'node:path';
import {elfSourceNames, isElf} from './elf-sources.js';
import type {CopyReport} from './submissions.js';

export interface SubmittedBinary {
  path: string;
  sha256: string;
}

export interface SubmissionFlags {
  flags: string[];
  binaries: SubmittedBinary[];
  /** One hash over the submitted C sources (names and contents), to tell a copied binary from a shared source. */
  sourcesHash: string;
}

/** A symlink's target that points at the host (absolute) or climbs out of the submission. */
const outward = (problem: string) => /: a symlink to (\/|(\.\.\/)+)/.test(problem);

export function flagSubmission(copy: CopyReport, context: string): SubmissionFlags {
  const flags = copy.problems.filter(outward).map((p) => `a link to a host file: ${p.replace(/, not followed and left out$/, '')}`);
  const sources = copy.paths.filter((p) => /\.(c|cc|cpp|cxx|s|S)$/.test(p)).map((p) => basename(p));
  const binaries: SubmittedBinary[] = [];
  const sourcesHash = createHash('sha256');
  for (const path of copy.paths.filter((p) => /\.(c|cc|cpp|cxx|s|S|h)$/.test(p))) sourcesHash.update(`${path}\0`).update(readFileSync(join(context, path))).update('\0');
  for (const path of copy.paths) {
    const data = readFileSync(join(context, path));
    if (!isElf(data)) continue;
    binaries.push({path, sha256: createHash('sha256').update(data).digest('hex')});
    const named = elfSourceNames(data);
    const why = sources.length === 0 ? 'the submission holds no C source at all'
      : named === undefined ? 'it has no symbol table (stripped), so nothing ties it to the submitted source'
      : !named.some((n) => sources.includes(basename(n))) ? `its symbol table names none of the submitted sources (${sources.join(', ')})`
      : undefined;
    if (why) flags.push(`${path} is a prebuilt program not built from the submitted source: ${why}`);
  }
  return {flags, binaries, sourcesHash: sourcesHash.digest('hex')};
}

/**
 * The same binary handed in by more than one student: one flag per student, naming the others. gcc makes the same
 * bytes from the same code, so the flag says whether their sources are the same too (shared code) or differ (a
 * binary that did not come from one's own source).
 */
export function sharedBinaries(byStudent: Map<string, Pick<SubmissionFlags, 'binaries' | 'sourcesHash'>>): Map<string, string[]> {
  const holders = new Map<string, Set<string>>();
  for (const [student, {binaries}] of byStudent) for (const b of binaries) holders.set(b.sha256, (holders.get(b.sha256) ?? new Set()).add(student));
  const flags = new Map<string, string[]>();
  for (const [student, {binaries, sourcesHash}] of byStudent) {
    for (const b of binaries) {
      const others = [...holders.get(b.sha256)!].filter((s) => s !== student);
      if (others.length === 0) continue;
      const sameSource = others.filter((o) => byStudent.get(o)!.sourcesHash === sourcesHash);
      const how = sameSource.length === others.length ? 'from the same source' : sameSource.length === 0 ? 'though their sources differ' : `(the same source as ${sameSource.join(', ')})`;
      flags.set(student, [...(flags.get(student) ?? []), `${b.path} is byte for byte the binary ${others.join(', ')} handed in too, ${how} (sha256 ${b.sha256.slice(0, 12)}…)`]);
    }
  }
  return flags;
}
