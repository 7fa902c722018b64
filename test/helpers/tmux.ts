/** A real terminal for interactive tests: tmux runs the command, keys are typed, the screen is read back. */
import {execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';

export class Terminal {
  private readonly socket = `lab-test-${randomBytes(4).toString('hex')}`;
  private readonly session = 'main';

  constructor(command: string, env: Record<string, string> = {}) {
    const exports = Object.entries(env).map(([k, v]) => `export ${k}='${v}';`).join(' ');
    // The shell stays after the command so its exit code can be read from the screen.
    execFileSync('tmux', ['-L', this.socket, 'new-session', '-d', '-s', this.session, '-x', '100', '-y', '30', `${exports} ${command}; echo "EXIT=$?"; sleep 600`]);
  }

  type(...keys: string[]): void {
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-t', this.session, ...keys]);
  }

  screen(): string {
    return execFileSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', this.session]).toString();
  }

  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      if (pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`the screen never showed ${pattern}:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    try {
      execFileSync('tmux', ['-L', this.socket, 'kill-server'], {stdio: 'ignore'});
    } catch {
      // already gone
    }
  }
}
