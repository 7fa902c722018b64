/**
 * Where a student's lab runs, and how its environment is made. The harness (start, check, hint, reset, submit)
 * talks only to the Environment a provider gives; graders read the environment's state through it, never
 * through files the student could edit on their side.
 *   local — this machine itself (root, the engine on Docker's paths)
 *   qemu  — a disposable VM per student (the default), reached over SSH
 *   ssh   — an existing machine given by host, user and key
 *   libvirt — the qemu provider's VM, run by libvirtd on one of the department's hosts (lab-hosts.json)
 */
import type {Environment} from '../../environment/environment.js';

export interface ProviderStartOptions {
  /** Lab or session name, used to find the same environment again (`lab ssh`, `lab check`). */
  name: string;
  workdir: string;
  onProgress?: (message: string) => void;
  /**
   * Work that needs the environment but not its container engine (the lab's files). A VM, whose engine starts on
   * its own after boot, starts it as soon as SSH answers and does not wait for it: the caller, which awaits its
   * outcome anyway, goes on with the engine's part meanwhile. A provider that does not call it leaves it to the caller.
   */
  beforeEngine?: (env: Environment) => Promise<void>;
}

export type StopOutcome = 'stopped' | 'was not running' | 'keeps running';

export interface Provider {
  readonly kind: Environment['provider'];
  /** Creates the environment or reconnects to the existing one of that name. */
  start(opts: ProviderStartOptions): Promise<Environment>;
  /** Connects to a running environment of that name, if there is one, with the lab's files in `workdir`. */
  connect(name: string, workdir?: string): Promise<Environment | undefined>;
  /** Powers the environment off, keeping its disk; a machine the provider does not own keeps running. */
  stop(name: string): Promise<StopOutcome>;
  /** Deletes the environment for good; false when there was nothing of it to delete (or it is not the provider's). */
  destroy(name: string): Promise<boolean>;
}
