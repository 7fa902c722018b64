/** A one-line progress bar on a terminal (redrawn in place); elsewhere (a pipe, a log) one line per item. */
export function progressLine(done: number, total: number, failed: number, width = 30): string {
  const filled = Math.round((done / Math.max(1, total)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${failed ? `, ${failed} failed` : ''}`;
}

export function progressReporter(stream: NodeJS.WriteStream = process.stderr) {
  let failed = 0;
  return {
    update(done: number, total: number, item: string, ok: boolean, detail: string) {
      if (!ok) failed++;
      if (stream.isTTY) {
        stream.write(`\r\x1b[K${progressLine(done, total, failed)} ${item}`);
        if (!ok) stream.write(`\r\x1b[K${item}: ${detail}\n`);
        if (done === total) stream.write(`\r\x1b[K${progressLine(done, total, failed)}\n`);
      } else {
        stream.write(`${progressLine(done, total, failed, 20)} ${item}: ${detail}\n`);
      }
    },
  };
}
