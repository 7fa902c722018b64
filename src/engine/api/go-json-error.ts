/**
 * The first words of Go's encoding/json for text that is not JSON, which dockerd passes on as is for a query
 * argument such as `filters` (as a 500: its decoder's error is not typed as a bad request).
 */
const literals: Record<string, string> = {n: 'null', t: 'true', f: 'false'};

export function goJsonSyntaxError(text: string): string {
  const trimmed = text.replace(/^[ \t\r\n]+/, '');
  if (trimmed === '') return 'unexpected end of JSON input';
  const first = trimmed[0]!;
  const literal = literals[first];
  if (literal) {
    for (let i = 1; i < literal.length; i++) {
      if (i >= trimmed.length) return 'unexpected end of JSON input';
      if (trimmed[i] !== literal[i]) return `invalid character ${quoteChar(trimmed[i]!)} in literal ${literal} (expecting ${quoteChar(literal[i]!)})`;
    }
    return `invalid character ${quoteChar(trimmed[literal.length] ?? ' ')} after top-level value`;
  }
  if (!/[{["\-0-9]/.test(first)) return `invalid character ${quoteChar(first)} looking for beginning of value`;
  // Deeper syntax errors: the parser's own words are as clear, if not Go's.
  try {
    JSON.parse(text);
    return 'invalid JSON';
  } catch (error) {
    return (error as Error).message;
  }
}

/** Go's quoteChar: 'x', with a quote or backslash escaped. */
function quoteChar(c: string): string {
  if (c === "'") return String.raw`'\''`;
  if (c === '"') return `'"'`;
  return `'${c}'`;
}
