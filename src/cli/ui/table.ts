/** Plain aligned text tables; width is measured without ANSI colour codes so coloured cells line up. */
const ansi = /\u001B\[[0-9;]*m/g;

export function visibleLength(s: string): number {
  return [...s.replace(ansi, '')].length;
}

export function renderTable(header: string[], rows: string[][], maxWidths: number[] = []): string {
  const clip = (s: string, i: number) => {
    const max = maxWidths[i];
    return max && visibleLength(s) > max ? [...s.replace(ansi, '')].slice(0, max - 1).join('') + '…' : s;
  };
  const cells = [header, ...rows].map((r) => r.map(clip));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => visibleLength(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i] - visibleLength(c)))).join('  ').trimEnd();
  return cells.map(line).join('\n');
}
