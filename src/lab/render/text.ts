/** Step texts: handlebars templates per locale (templates/<lab>/<lang>/<step>.md.hbs), shown in the terminal. */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import chalk from 'chalk';
import Handlebars from 'handlebars';
import {templatesRoot} from '../exercises/load.js';
import type {Exercise, Localized} from '../exercises/types.js';

export interface TextContext {
  workdir: string;
  [key: string]: unknown;
}

export function localize(text: Localized | undefined, lang: string): string {
  if (!text) return '';
  return text[lang] ?? text.en;
}

/** Renders a string that may hold {{workdir}}-style fields (used for check params and hints too). */
export function fill(template: string, context: object): string {
  return Handlebars.compile(template, {noEscape: true, strict: false})(context);
}

export function stepText(ex: Exercise, stepId: string, lang: string, context: TextContext): string {
  const step = ex.steps.find((s) => s.id === stepId);
  const choices = step?.question ? Object.fromEntries(Object.entries(step.question.choices).map(([k, v]) => [k, localize(v, lang)])) : undefined;
  const source = readFileSync(join(templatesRoot(), ex.id, lang, `${stepId}.md.hbs`), 'utf8');
  return fill(source, {...context, choices});
}

export function introText(ex: Exercise, lang: string, context: TextContext): string {
  return fill(readFileSync(join(templatesRoot(), ex.id, lang, 'intro.md.hbs'), 'utf8'), context);
}

/** Light terminal formatting of the markdown-ish texts: headings bold, indented code in cyan, `code` dimmed. */
export function terminal(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => {
      if (line.startsWith('# ')) return chalk.bold(line.slice(2));
      if (line.startsWith('    ')) return chalk.cyan(line);
      return line.replace(/\*\*([^*]+)\*\*/g, (_, t: string) => chalk.bold(t)).replace(/`([^`]+)`/g, (_, t: string) => chalk.cyan(t));
    })
    .join('\n');
}
