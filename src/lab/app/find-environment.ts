/**
 * Which environment a name stands for, whatever provider made it: a lab's session here (by lab id or by the
 * environment's name, e.g. lab26) names its provider; else a VM of that name this machine knows (qemu or
 * libvirt). Verbs that act on an environment (`lab ssh`, `lab stop`, `lab destroy`) go through here and the
 * provider, so none of them needs a case per provider.
 */
import type {Environment} from '../../environment/environment.js';
import {providerFor, type ProviderName} from '../providers/index.js';
import {findMachine, latestMachine} from '../providers/machines.js';
import type {SshTarget} from '../providers/ssh-target.js';
import {loadSession, type Session} from '../session/session.js';

export interface EnvironmentRef {
  provider: ProviderName;
  /** The provider's name for it (the VM's name). */
  name: string;
  workdir?: string;
  ssh?: SshTarget;
  /** The lab whose session led here, if one did. */
  session?: Session;
}

function sessionOrNone(name?: string): Session | undefined {
  try {
    return loadSession(name);
  } catch {
    return undefined;
  }
}

export function sessionEnvironment(session: Session): EnvironmentRef {
  return {provider: session.provider, name: session.envName, workdir: session.workdir, ssh: session.ssh, session};
}

/**
 * NAME: a session's lab or environment, else a known VM. No name: the current lab's environment unless it is this
 * machine itself, else the only running VM or the one started last.
 */
export async function findEnvironment(name?: string): Promise<EnvironmentRef | undefined> {
  const session = sessionOrNone(name);
  if (session && session.provider !== 'local') return sessionEnvironment(session);
  const machine = name ? await findMachine(name) : await latestMachine();
  return machine && {provider: machine.provider, name: machine.name, workdir: machine.workdir};
}

/** Connects to it; a VM powered off (`lab stop`) is booted again with its disk as it was. */
export async function openEnvironment(ref: EnvironmentRef, onProgress?: (message: string) => void): Promise<Environment> {
  const provider = await providerFor(ref.provider, ref.ssh);
  const env = await provider.connect(ref.name, ref.workdir);
  if (env) return env;
  if (!ref.workdir) throw new Error(`${ref.name} is not running and its work dir is unknown`);
  return provider.start({name: ref.name, workdir: ref.workdir, onProgress});
}
