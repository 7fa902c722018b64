/**
 * Where a student's lab runs. The harness (start, check, hint, reset, submit) talks only to this interface;
 * graders read the environment's state through it, never through files the student could edit on their side.
 *   local — this machine itself (root, the engine on Docker's paths)
 *   qemu  — a disposable VM per student (the default), reached over SSH
 *   ssh   — an existing machine given by host, user and key
 */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  env?: Record<string, string>;
  cwd?: string;
}

export interface Environment {
  provider: 'local' | 'qemu' | 'ssh';
  /** A stable name for this environment (e.g. the VM's id), shown to the student. */
  id: string;
  /** The home of the lab's files inside the environment, e.g. /root/lab26. */
  workdir: string;
  /** Runs a command (argv, no shell unless you pass one) as root inside the environment. */
  exec(argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: string | Buffer, mode?: number): Promise<void>;
  /** An interactive shell for the student (a real pty), resolving with its exit code. */
  shell(opts?: {command?: string}): Promise<number>;
  /** Ends connections; the environment keeps running. */
  close(): Promise<void>;
}

export interface ProviderStartOptions {
  /** Lab or session name, used to find the same environment again (`lab ssh`, `lab check`). */
  name: string;
  workdir: string;
  onProgress?: (message: string) => void;
}

export interface Provider {
  readonly kind: Environment['provider'];
  /** Creates the environment or reconnects to the existing one of that name. */
  start(opts: ProviderStartOptions): Promise<Environment>;
  /** Connects to a running environment of that name, if there is one. */
  connect(name: string): Promise<Environment | undefined>;
  stop(name: string): Promise<void>;
  destroy(name: string): Promise<void>;
}
