/**
 * Where a student's lab runs, as the harness and the graders see it: run a command as root, read and write a
 * file, open a shell. The lab's providers make environments (this machine, a VM, an SSH host); the VM and SSH
 * code implement this interface without knowing about labs.
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
  readonly provider: 'local' | 'qemu' | 'ssh' | 'libvirt';
  /** A stable name for this environment (e.g. the VM's id), shown to the student. */
  readonly id: string;
  /** The home of the lab's files inside the environment, e.g. /root/lab26. */
  readonly workdir: string;
  /**
   * Set by a provider that saw the container engine answer as it started the environment (a lab VM says so on its
   * console): asking the engine again over the network would only cost a round trip, seconds under emulation.
   */
  engineReady?: boolean;
  /** Runs a command (argv, no shell unless you pass one) as root inside the environment. */
  exec(argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: string | Buffer, mode?: number): Promise<void>;
  /** An interactive shell for the student (a real pty), resolving with its exit code. */
  shell(opts?: {command?: string}): Promise<number>;
  /** Ends connections; the environment keeps running. */
  close(): Promise<void>;
}
