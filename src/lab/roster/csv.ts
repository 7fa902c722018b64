/**
 * Reading a CSV export (RFC 4180: quoted cells with "" for a quote, CRLF or LF lines) as LMSs write them: UTF-8
 * with or without a byte order mark, comma or semicolon separated (Excel in many locales writes ";").
 */
export class CsvError extends Error {
  override name = 'CsvError';
}

function separatorOf(firstLine: string): string {
  const count = (c: string) => firstLine.split(c).length - 1;
  return count(';') > count(',') ? ';' : count('\t') > count(',') ? '\t' : ',';
}

/** Rows of cells; a quote left open is an error naming its line. Blank lines are left out. */
export function parseCsv(input: string, file: string): string[][] {
  const text = input.replace(/^\uFEFF/, '');
  const sep = separatorOf(text.slice(0, text.search(/\r?\n|$/)));
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
    } else if (c === sep) {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      if (row.some((x) => x !== '')) rows.push(row);
      row = [];
      cell = '';
      line++;
    } else {
      cell += c;
    }
  }
  if (quoted) throw new CsvError(`${file}: line ${quoteLine}: a quoted cell is never closed`);
  row.push(cell);
  if (row.some((x) => x !== '')) rows.push(row);
  return rows;
}
