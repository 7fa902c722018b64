/**
 * Turning an argv into the one command string SSH carries. The remote login shell parses that string, so every
 * word is single-quoted (the one quoting with no special characters inside) unless it is plainly safe.
 */
const SAFE = /^[A-Za-z0-9_/.,:=@%+-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function shellQuote(word: string): string {
  if (SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}

export interface RemoteCommandOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Kills the command from inside (coreutils timeout, SIGKILL) so nothing keeps running after we give up. */
  timeoutMs?: number;
  /** Log in as an ordinary user and become root with sudo (no password prompt). */
  sudo?: boolean;
}

/**
 * `cd DIR && export K=V && exec [timeout] ARGV`, a POSIX sh command; with sudo it is wrapped as
 * `exec sudo -n -- /bin/sh -c '<that>'` so the directory, variables and timeout apply as root.
 */
export function remoteCommand(argv: string[], opts: RemoteCommandOptions = {}): string {
  if (argv.length === 0) throw new Error('exec needs a program to run (argv is empty)');
  const parts: string[] = [];
  if (opts.cwd !== undefined) parts.push(`cd -- ${shellQuote(opts.cwd)}`);
  const env = Object.entries(opts.env ?? {});
  for (const [name] of env) if (!ENV_NAME.test(name)) throw new Error(`invalid environment variable name ${JSON.stringify(name)}`);
  if (env.length > 0) parts.push(`export ${env.map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ')}`);
  const timeout = opts.timeoutMs !== undefined ? ['timeout', '-s', 'KILL', `${Math.max(1, Math.ceil(opts.timeoutMs / 1000))}s`] : [];
  parts.push(`exec ${shellJoin([...timeout, ...argv])}`);
  const inner = parts.join(' && ');
  return opts.sudo ? `exec sudo -n -- /bin/sh -c ${shellQuote(inner)}` : inner;
}
