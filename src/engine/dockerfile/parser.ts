/**
 * Dockerfile text → logical lines: parser directives (`# escape=`, `# syntax=`) at the top, comments,
 * line continuations with the escape character, and the instruction keyword of each line. What the
 * arguments mean is instructions.ts's business; this file only knows lines.
 */
import {at} from './errors.js';

export const instructionNames = [
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER',
  'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
] as const;

export type InstructionName = (typeof instructionNames)[number];

export interface LogicalLine {
  keyword: InstructionName;
  /** Everything after the keyword, continuations joined, surrounding whitespace trimmed. */
  rest: string;
  /** The line as written (continuations joined): what `Step N/M :` shows. */
  original: string;
  file: string;
  /** 1-based line where the instruction starts. */
  line: number;
}

export interface ParsedDockerfile {
  escape: string;
  /** `# syntax=` names a BuildKit frontend; kept only to mention that it is ignored. */
  syntax?: string;
  lines: LogicalLine[];
  warnings: string[];
}

const directiveRe = /^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/;

function editDistance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function unknownInstruction(word: string): string {
  const upper = word.toUpperCase();
  const close = instructionNames.filter((n) => editDistance(upper, n) <= 2).sort((x, y) => editDistance(upper, x) - editDistance(upper, y));
  return `unknown instruction: ${word}` + (close.length > 0 ? ` (did you mean ${close[0]}?)` : '');
}

/** Reads the directives at the very top; returns the escape, the syntax and the index of the first other line. */
function readDirectives(lines: string[], file: string): {escape: string; syntax?: string; body: number} {
  let escape: string | undefined;
  let syntax: string | undefined;
  let i = 0;
  for (; i < lines.length; i++) {
    const m = directiveRe.exec(lines[i]!);
    if (!m) break;
    const name = m[1]!.toLowerCase();
    const value = m[2]!;
    if (name === 'escape') {
      if (escape !== undefined) throw at({file, line: i + 1}, 'only one escape parser directive can be used');
      if (value !== '\\' && value !== '`') throw at({file, line: i + 1}, `invalid escape character '${value}': it must be \` or \\`);
      escape = value;
    } else if (name === 'syntax') {
      if (syntax !== undefined) throw at({file, line: i + 1}, 'only one syntax parser directive can be used');
      syntax = value;
    }
    // Other directive-shaped comments (`# check=...`) are BuildKit's and are comments here.
  }
  return {escape: escape ?? '\\', syntax, body: i};
}

export function parseDockerfile(text: string, file = 'Dockerfile'): ParsedDockerfile {
  const physical = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const {escape, syntax, body} = readDirectives(physical, file);
  const continuation = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  const lines: LogicalLine[] = [];
  const warnings: string[] = [];
  if (syntax !== undefined) warnings.push(`${file}: the syntax directive (${syntax}) names a BuildKit frontend; this builder ignores it`);
  let pending: {text: string; line: number; emptyContinuation: boolean} | null = null;

  const finish = () => {
    if (!pending) return;
    const original = pending.text.trim();
    const line = pending.line;
    if (pending.emptyContinuation) warnings.push(`${file}:${line}: empty continuation line (a line ending in ${escape} followed by an empty line)`);
    pending = null;
    if (original === '') return;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(original)!;
    const word = m[1]!;
    const keyword = word.toUpperCase();
    if (!(instructionNames as readonly string[]).includes(keyword)) throw at({file, line}, unknownInstruction(word));
    const parsed: LogicalLine = {keyword: keyword as InstructionName, rest: m[2]!.trim(), original, file, line};
    // Checked now: a heredoc's body lines would otherwise fail first, as unknown instructions.
    refuseHeredoc(parsed);
    lines.push(parsed);
  };

  for (let i = body; i < physical.length; i++) {
    const raw = physical[i]!;
    const trimmed = raw.trim();
    // Comment lines vanish, even in the middle of a continued instruction.
    if (trimmed.startsWith('#')) continue;
    if (trimmed === '') {
      if (pending) pending.emptyContinuation = true;
      continue;
    }
    const continues = continuation.test(raw);
    const piece = continues ? raw.replace(continuation, '') : raw;
    if (pending) pending.text += piece;
    else pending = {text: piece.replace(/^\s+/, ''), line: i + 1, emptyContinuation: false};
    if (!continues) finish();
  }
  finish();
  return {escape, syntax, lines, warnings};
}

/** A JSON array of strings (the exec form), or undefined for the shell form. */
export function jsonForm(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  try {
    const value = JSON.parse(rest) as unknown;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // not JSON: Docker reads it as the shell form
  }
  return undefined;
}

const heredocRe = /(?:^|\s)<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/;

/** Heredocs (`RUN <<EOF`) need BuildKit; their body lines would otherwise be read as instructions. */
export function refuseHeredoc(l: LogicalLine): void {
  const rest = l.keyword === 'ONBUILD' ? l.rest.replace(/^\S+\s*/, '') : l.rest;
  const keyword = l.keyword === 'ONBUILD' ? (/^\S+/.exec(l.rest)?.[0] ?? '').toUpperCase() : l.keyword;
  if (!['RUN', 'COPY', 'ADD'].includes(keyword) || jsonForm(rest)) return;
  const m = heredocRe.exec(rest);
  if (!m) return;
  throw at(l, `${keyword} <<${m[2]}: heredocs are not supported by this builder (they need BuildKit). ` +
    'Put the text in a file in the build context and COPY it, or write it with printf in RUN');
}
