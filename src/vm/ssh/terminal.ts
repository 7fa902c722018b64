/**
 * Wiring the local terminal to a remote pty: raw mode so keys (Ctrl-C, arrows) go to the remote side, the window
 * size followed on SIGWINCH, and everything put back as it was when the remote shell ends.
 */
import {constants} from 'node:os';
import type {ClientChannel} from 'ssh2';

export function localPtySize(): {rows: number; cols: number; term: string} {
  return {rows: process.stdout.rows || 24, cols: process.stdout.columns || 80, term: process.env.TERM || 'xterm-256color'};
}

/** The exit status a shell would report: the code, or 128 + the signal's number. */
export function exitStatus(code: number | null | undefined, signal?: string): number {
  if (typeof code === 'number') return code;
  if (signal) {
    // ssh2 reports the name with the SIG prefix ("SIGKILL"), the protocol without it.
    const number = (constants.signals as Record<string, number>)[`SIG${signal.replace(/^SIG/, '')}`];
    return 128 + (number ?? 1);
  }
  return 255;
}

export function bridgeTerminal(channel: ClientChannel): Promise<number> {
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  return new Promise((resolve) => {
    let status = 255;
    const resize = () => channel.setWindow(process.stdout.rows || 24, process.stdout.columns || 80, 0, 0);
    if (raw) stdin.setRawMode(true);
    stdin.resume();
    stdin.pipe(channel);
    channel.pipe(process.stdout, {end: false});
    channel.stderr.pipe(process.stderr, {end: false});
    process.on('SIGWINCH', resize);
    channel.on('exit', (code: number | null, signal?: string) => (status = exitStatus(code, signal)));
    channel.on('close', () => {
      process.removeListener('SIGWINCH', resize);
      stdin.unpipe(channel);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      resolve(status);
    });
  });
}
