/**
 * The service options file in Debian's convention (/etc/default/docker): a shell fragment whose DOCKER_OPTS
 * holds the daemon's command-line flags. The service manager sources it; here it is read, never run, so only
 * plain assignments with quotes are understood — no substitutions. The engine starts from it and the lab's
 * graders judge it, so both read it with this one parser; a problem becomes `fail(message)`, thrown.
 */
export const optionsVariable = 'DOCKER_OPTS';

type Fail = (message: string) => Error;
const plainError: Fail = (message) => new Error(message);

/** Words of a shell value: single and double quotes, backslash escapes, whitespace splitting. */
export function shellWords(text: string, where: string, fail: Fail = plainError): string[] {
  const words: string[] = [];
  let current = '';
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) throw fail(`${where}: unterminated ${ch} quote`);
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
      throw fail(`${where}: substitutions ($, \`) are not supported in ${optionsVariable}; write the flags out`);
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
export function parseServiceOptions(file: string, text: string, fail: Fail = plainError): ServiceOptions {
  let found: ServiceOptions = {file, argv: [], line: 0};
  text.split('\n').forEach((raw, index) => {
    const m = new RegExp(`^\\s*(?:export\\s+)?${optionsVariable}=(.*)$`).exec(raw);
    if (!m) return;
    // The value is one shell word (usually quoted) holding the flags: unquote it, then split it into flags.
    const where = `${file}, line ${index + 1}`;
    const value = shellWords(m[1].replace(/\s+#.*$/, ''), where, fail);
    if (value.length > 1) throw fail(`${where}: quote the value: ${optionsVariable}="${value.join(' ')}"`);
    found = {file, argv: shellWords(value[0] ?? '', where, fail), line: index + 1};
  });
  return found;
}
