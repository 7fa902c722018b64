/** Homework checks: pure judgements of what the sandbox saw (student.ts) → outcome with observed and expected. */
import {describeLinkage, hasLinkage} from '../../../graders/elf.js';
import {judgeCases} from './cases.js';
import {truncate} from './docker.js';
import {judgeSource} from './source.js';
import type {StudentFacts} from './student.js';
import type {CheckOutcome, Homework, HomeworkCheck, HomeworkCheckKind} from './types.js';

type Judge = (facts: StudentFacts, hw: Homework, check: HomeworkCheck) => Omit<CheckOutcome, 'id'>;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The step that failed, as the engine names it ("Dockerfile:3: COPY failed: ..."), else the output's last line. */
export function buildFailure(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^Dockerfile:\d+:/.test(l)) ?? lines.filter((l) => !/^(DEPRECATED|BuildKit|environment-variable)/.test(l)).pop() ?? 'no output';
}

/** Files left out of the build context for their size: a COPY of them fails, and the student must see why. */
function leftOutForSize(facts: StudentFacts): string {
  const big = facts.copy.problems.filter((p) => /over the limit of .* per file|over its total limit/.test(p));
  return big.length ? `; left out of the submission: ${big.join('; ')}` : '';
}

/** Why a check of the image or its program could not be evaluated, or undefined when it can be. */
export function whyNotEvaluated(facts: StudentFacts): string | undefined {
  if (!facts.hasDockerfile) return 'not evaluated: the submission has no Dockerfile';
  if (facts.build && !facts.build.ok) {
    const why = facts.build.timedOut ? 'the build timed out' : `the image did not build (${buildFailure(facts.build.output)})`;
    return `not evaluated: ${why}${leftOutForSize(facts)}`;
  }
  if (facts.imageError) return `not evaluated: the image could not be read (${facts.imageError})`;
  if (!facts.image) return 'not evaluated: there is no image';
  return undefined;
}

const notBuilt = (facts: StudentFacts, expected: string): Omit<CheckOutcome, 'id'> => ({
  pass: false, expected, observed: whyNotEvaluated(facts) ?? 'not evaluated: the program was not run',
});

const judges: Record<HomeworkCheckKind, Judge> = {
  'submission-safe': ({copy}, hw) => ({
    pass: copy.problems.length === 0,
    expected: `only regular files and folders, at most ${hw.limits.submissionMaxKb} KiB and ${hw.limits.submissionMaxFiles} files`,
    observed: copy.problems.length === 0 ? `${copy.files} files, ${kib(copy.bytes)}` : `left out of the build: ${copy.problems.join('; ')}`,
    evidence: {files: copy.files, bytes: copy.bytes, problems: copy.problems},
  }),

  builds: (facts, hw) => {
    const expected = `docker build succeeds within ${hw.limits.buildTimeoutSeconds} s`;
    if (!facts.hasDockerfile) return {pass: false, expected, observed: 'the submission has no Dockerfile'};
    const b = facts.build!;
    const output = truncate(b.output, hw.limits.outputMaxBytes);
    if (b.timedOut) return {pass: false, expected, output, observed: `the build did not finish within ${hw.limits.buildTimeoutSeconds} s and was stopped`};
    if (!b.ok) return {pass: false, expected, output, observed: `the build failed: ${buildFailure(b.output)}${leftOutForSize(facts)}`};
    return {pass: true, expected, output, observed: `built in ${b.seconds.toFixed(1)} s`};
  },

  'no-base': (facts) => {
    const expected = 'every layer of the image comes from this Dockerfile (FROM scratch): no base image';
    const image = facts.image;
    if (!image) return notBuilt(facts, expected);
    const older = image.history.filter((h) => h.created < facts.build!.startedAt - 1);
    const evidence = {layers: image.layers, history: image.history};
    if (older.length > 0) {
      return {pass: false, expected, evidence, observed: `${older.length} of ${image.history.length} history entries predate this build, from a base image: ${older.map((h) => h.createdBy).slice(0, 3).join('; ')}`};
    }
    return {pass: true, expected, evidence, observed: `${image.layers} layer(s), all made by this build: ${image.history.filter((h) => h.size > 0).map((h) => h.createdBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, '')).join('; ') || 'none'}`};
  },

  'static-entrypoint': (facts) => {
    const expected = "the image's ENTRYPOINT/CMD program, read from the image's layers: a statically linked ELF executable";
    const image = facts.image;
    if (!image) return notBuilt(facts, expected);
    if (!image.program) return {pass: false, expected, observed: 'the image has no ENTRYPOINT or CMD'};
    const p = image.program;
    const evidence = {argv: image.argv, sha256: p.sha256 ?? null, size: p.size ?? null, elf: p.elf ?? null};
    const pass = hasLinkage(p, 'static');
    const lesson = hasLinkage(p, 'dynamic') ? ': a FROM scratch image has no C library and no loader for it; link with gcc -static' : '';
    return {pass, expected, evidence, observed: `${describeLinkage(p)}${lesson}`};
  },

  runs: (facts, hw) => {
    const {expectStdout, exitCode} = hw.run;
    const {memoryMb, pids, runTimeoutSeconds} = hw.limits;
    const expected = `prints the line "${expectStdout}" and exits ${exitCode}, within ${runTimeoutSeconds} s, ${memoryMb} MiB and ${pids} processes, without network, on a read-only root`;
    const r = facts.run;
    if (!r) return notBuilt(facts, expected);
    const output = truncate(`${r.stdout}${r.stderr ? `\n[stderr]\n${r.stderr}` : ''}`, hw.limits.outputMaxBytes);
    const evidence = {exitCode: r.code, timedOut: r.timedOut, oomKilled: r.oomKilled, processes: r.processes ?? null, seconds: r.seconds};
    const fail = (observed: string) => ({pass: false, expected, output, evidence, observed});
    // The OOM killer first: a program it struck just as the time ran out was stopped by its memory, not its time.
    if (r.oomKilled) return fail(`killed by the kernel's OOM killer: it used more than its ${memoryMb} MiB of memory (exit ${r.code})`);
    if (r.timedOut) {
      // No process counted (the container was ending as it was looked at) says nothing about loops or forks.
      const counted = r.processes !== undefined && r.processes > 0 ? r.processes : undefined;
      // Several processes below the limit is a program that forks too: the sandbox's own process limit, shared by
      // the jobs running at once, can stop a fork bomb before its container's limit does.
      const forks = counted === undefined ? '' : counted >= pids ? ` with ${counted} processes, at the pids limit (a fork bomb?)` : counted > 1 ? ` with ${counted} processes (a program that forks without end?)` : ' (1 process running: an endless loop?)';
      return fail(`still running after ${runTimeoutSeconds} s${forks}: the container was killed`);
    }
    const lines = r.stdout.replace(/\r/g, '').split('\n');
    if (r.code !== exitCode) {
      const why = r.stderr.split('\n').map((l) => l.trim()).filter(Boolean).find((l) => /error|no such file/i.test(l)) ?? '';
      return fail(`exited ${r.code}${why ? `: ${why.replace(/^docker: /, '')}` : ''}`);
    }
    if (!lines.some((l) => l.trim() === expectStdout)) {
      return fail(`exited ${r.code}, but printed ${r.stdout.trim() ? `"${truncate(r.stdout.trim(), 200)}"` : 'nothing'} instead of the line "${expectStdout}"`);
    }
    return {pass: true, expected, output, evidence, observed: `printed "${expectStdout}" and exited ${r.code} in ${r.seconds.toFixed(1)} s`};
  },

  'image-size': (facts, hw) => {
    const expected = `the image is at most ${hw.limits.imageSizeMaxKb} KiB`;
    const image = facts.image;
    if (!image) return notBuilt(facts, expected);
    return {pass: image.size <= hw.limits.imageSizeMaxKb * 1024, expected, observed: `the image is ${kib(image.size)}`, evidence: {size: image.size}};
  },

  cases: (facts, hw, check) => judgeCases(check, facts, hw, whyNotEvaluated(facts)),

  source: (facts, _hw, check) => judgeSource(check, facts),
};

export function evaluateChecks(hw: Homework, facts: StudentFacts): CheckOutcome[] {
  return hw.checks.map((c: HomeworkCheck) => ({id: c.id, ...judges[c.kind](facts, hw, c)}));
}
