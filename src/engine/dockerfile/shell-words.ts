/**
 * The small piece of shell that Dockerfiles speak outside RUN: quotes, the escape character, and
 * `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?msg}`, `${VAR?msg}`
 * substituted from ARG and ENV. Nothing here runs a program.
 */
import {SyntaxProblem} from './errors.js';

export type Lookup = (name: string) => string | undefined;

interface LexOptions {
  escape: string;
  lookup: Lookup;
  /** Split into words on unquoted whitespace (and inside unquoted substitutions), as a shell would. */
  split: boolean;
}

const nameStart = /[A-Za-z_]/;
const nameChar = /[A-Za-z0-9_]/;

class Lexer {
  private pos = 0;
  private readonly words: string[] = [];
  private current = '';
  private started = false;

  constructor(
    private readonly text: string,
    private readonly opts: LexOptions,
  ) {}

  run(): string[] {
    const {text, opts} = this;
    while (this.pos < text.length) {
      const ch = text[this.pos]!;
      if (ch === opts.escape) {
        // A trailing escape has nothing to escape and stays as written.
        this.add(this.pos + 1 < text.length ? text[this.pos + 1]! : ch);
        this.pos += 2;
      } else if (ch === "'") {
        const end = text.indexOf("'", this.pos + 1);
        if (end < 0) throw new SyntaxProblem('unexpected end of statement while looking for matching single-quote');
        this.add(text.slice(this.pos + 1, end));
        this.pos = end + 1;
      } else if (ch === '"') {
        this.doubleQuoted();
      } else if (ch === '$') {
        this.unquotedValue(this.variable());
      } else if (opts.split && /\s/.test(ch)) {
        this.flush();
        this.pos++;
      } else {
        this.add(ch);
        this.pos++;
      }
    }
    this.flush();
    return this.words;
  }

  private add(text: string): void {
    this.current += text;
    this.started = true;
  }

  private flush(): void {
    if (this.started) this.words.push(this.current);
    this.current = '';
    this.started = false;
  }

  /** An unquoted substitution is split into words when splitting, like `$*` in sh. */
  private unquotedValue(value: string): void {
    if (!this.opts.split) {
      if (value !== '') this.add(value);
      return;
    }
    value.split(/\s+/).forEach((piece, i) => {
      if (i > 0) this.flush();
      if (piece !== '') this.add(piece);
    });
  }

  private doubleQuoted(): void {
    const {text, opts} = this;
    this.started = true; // "" is an empty word, not nothing
    this.pos++;
    while (this.pos < text.length && text[this.pos] !== '"') {
      const ch = text[this.pos]!;
      const next = text[this.pos + 1];
      // Inside double quotes the escape only escapes a quote, a dollar or itself.
      if (ch === opts.escape && next !== undefined && (next === '"' || next === '$' || next === opts.escape)) {
        this.current += next;
        this.pos += 2;
      } else if (ch === '$') {
        this.current += this.variable();
      } else {
        this.current += ch;
        this.pos++;
      }
    }
    if (this.pos >= text.length) throw new SyntaxProblem('unexpected end of statement while looking for matching double-quote');
    this.pos++;
  }

  /** Reads `$...` at pos and returns its value. */
  private variable(): string {
    const {text} = this;
    const start = this.pos;
    const next = text[start + 1];
    if (next === '{') return this.braced();
    if (next !== undefined && /[0-9]/.test(next)) {
      // Positional parameters do not exist here; like sh with no arguments they are empty.
      this.pos = start + 2;
      return this.opts.lookup(next) ?? '';
    }
    if (next === undefined || !nameStart.test(next)) {
      this.pos = start + 1;
      return '$';
    }
    let end = start + 1;
    while (end < text.length && nameChar.test(text[end]!)) end++;
    this.pos = end;
    return this.opts.lookup(text.slice(start + 1, end)) ?? '';
  }

  private braced(): string {
    const {text, opts} = this;
    const start = this.pos;
    let i = start + 2;
    while (i < text.length && nameChar.test(text[i]!)) i++;
    const name = text.slice(start + 2, i);
    if (name === '') throw new SyntaxProblem(`bad substitution: ${text.slice(start, start + 3)}... needs a variable name`);
    if (text[i] === '}') {
      this.pos = i + 1;
      return opts.lookup(name) ?? '';
    }
    let modifier: string;
    if (text[i] === ':' && text[i + 1] !== undefined && '-+?'.includes(text[i + 1]!)) {
      modifier = text.slice(i, i + 2);
      i += 2;
    } else if (text[i] !== undefined && '-+?'.includes(text[i]!)) {
      modifier = text[i]!;
      i += 1;
    } else {
      if (i >= text.length) throw new SyntaxProblem(`missing '}' in \${${name}`);
      throw new SyntaxProblem(`unsupported modifier (${text[i]}) in substitution \${${name}${text[i]}...}`);
    }
    const wordStart = i;
    let depth = 1;
    for (; i < text.length; i++) {
      if (text[i] === opts.escape) {
        i++;
      } else if (text.startsWith('${', i)) {
        depth++;
        i++;
      } else if (text[i] === '}' && --depth === 0) {
        break;
      }
    }
    if (i >= text.length) throw new SyntaxProblem(`missing '}' in \${${name}${modifier}...`);
    this.pos = i + 1;
    const word = () => new Lexer(text.slice(wordStart, i), {...opts, split: false}).run().join('');
    const value = opts.lookup(name);
    const empty = value === undefined || value === '';
    switch (modifier) {
      case ':-': return empty ? word() : value;
      case '-': return value === undefined ? word() : value;
      case ':+': return empty ? '' : word();
      case '+': return value === undefined ? '' : word();
      default: {
        const missing = modifier === ':?' ? empty : value === undefined;
        if (missing) throw new SyntaxProblem(`${name}: ${word() || 'is not allowed to be unset'}`);
        return value!;
      }
    }
  }
}

/** The whole text as one word: quotes removed, variables substituted, whitespace kept. */
export function expandWord(text: string, lookup: Lookup, escape: string): string {
  return new Lexer(text, {escape, lookup, split: false}).run().join('');
}

/** Words as a shell would split them after substitution. */
export function expandWords(text: string, lookup: Lookup, escape: string): string[] {
  return new Lexer(text, {escape, lookup, split: true}).run();
}

/** Splits on unquoted whitespace but keeps quotes, escapes and `$` as written, for later expansion word by word. */
export function splitRaw(text: string, escape: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === escape && quote !== "'" && i + 1 < text.length) {
      current += ch + text[++i];
    } else if (quote) {
      current += ch;
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (/\s/.test(ch)) {
      if (current !== '') words.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quote) throw new SyntaxProblem(`unexpected end of statement while looking for matching ${quote === '"' ? 'double' : 'single'}-quote`);
  if (current !== '') words.push(current);
  return words;
}
