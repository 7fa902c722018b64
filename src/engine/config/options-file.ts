/**
 * The service options file in Debian's convention (/etc/default/docker): a shell fragment whose DOCKER_OPTS
 * holds the daemon's command-line flags. The service manager sources it; here it is read, never run, so only
 * plain assignments with quotes are understood — no substitutions.
 */
import {readFileSync} from 'node:fs';
import {ConfigError} from './daemon-config.js';

export const optionsVariable = 'DOCKER_OPTS';

/** Words of a shell value: single and double quotes, backslash escapes, whitespace splitting. */
export function shellWords(text: string, where: string): string[] {
  const words: string[] = [];
  let current = '';
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) throw new ConfigError(`${where}: unterminated ${ch} quote`);
      current += ch === '"' ? text.slice(i + 1, end).replace(/\\(["\\$`])/g, '$1') : text.slice(i + 1, end);
      started = true;
      i = end;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) words.push(current);
      current = '';
      started = false;
    } else if (ch === '$' || ch === '`') {
      throw new ConfigError(`${where}: substitutions ($, \`) are not supported in ${optionsVariable}; write the flags out`);
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) words.push(current);
  return words;
}

export interface ServiceOptions {
  file: string;
  /** The flags DOCKER_OPTS gives, split as the shell would; empty when the file does not set it. */
  argv: string[];
  /** 1-based line of the assignment that counts (the last one), or 0 when there is none. */
  line: number;
}

/** The last DOCKER_OPTS= assignment wins, as when the shell sources the file. */
export function parseServiceOptions(file: string, text: string): ServiceOptions {
  let found: ServiceOptions = {file, argv: [], line: 0};
  text.split('\n').forEach((raw, index) => {
    const m = new RegExp(`^\\s*(?:export\\s+)?${optionsVariable}=(.*)$`).exec(raw);
    if (!m) return;
    // The value is one shell word (usually quoted) holding the flags: unquote it, then split it into flags.
    const where = `${file}, line ${index + 1}`;
    const value = shellWords(m[1].replace(/\s+#.*$/, ''), where);
    if (value.length > 1) throw new ConfigError(`${where}: quote the value: ${optionsVariable}="${value.join(' ')}"`);
    found = {file, argv: shellWords(value[0] ?? '', where), line: index + 1};
  });
  return found;
}

export function readServiceOptions(file: string): ServiceOptions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the service options file ${file}: ${(error as Error).message}`);
  }
  return parseServiceOptions(file, text);
}
