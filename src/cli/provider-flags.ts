/** Flags that say where a lab runs, shared by `lab start` and `lab doctor`. */
import {Flags} from '@oclif/core';
import type {ProviderName} from '../lab/providers/index.js';
import type {SshTarget} from '../lab/providers/ssh-target.js';

export const providerFlags = {
  provider: Flags.string({
    options: ['qemu', 'local', 'ssh', 'libvirt'],
    default: process.env.LAB_PROVIDER || 'qemu',
    description: 'where the lab runs: a disposable VM (qemu, the default), this machine itself (local), an existing machine over SSH (ssh), or a VM on a libvirt host of lab-hosts.json (libvirt); default from $LAB_PROVIDER',
  }),
  host: Flags.string({description: 'with --provider ssh: the machine, as [user@]host[:port]', helpGroup: 'SSH'}),
  key: Flags.string({description: 'with --provider ssh: the private key file to log in with', helpGroup: 'SSH'}),
  'host-fingerprint': Flags.string({multiple: true, description: 'with --provider ssh: the machine\'s host key fingerprint (SHA256:...) to accept', helpGroup: 'SSH'}),
  'known-hosts': Flags.string({description: 'with --provider ssh: a known_hosts file that pins the machine\'s key (default ~/.ssh/known_hosts)', helpGroup: 'SSH'}),
};

export interface ProviderFlagValues {
  provider: string;
  host?: string;
  key?: string;
  'host-fingerprint'?: string[];
  'known-hosts'?: string;
}

/** The SSH target from the flags; an error naming the flag when one is missing or malformed. */
export function sshTargetFromFlags(flags: ProviderFlagValues): SshTarget | undefined {
  if (flags.provider !== 'ssh') {
    for (const name of ['host', 'key', 'host-fingerprint', 'known-hosts'] as const) {
      if (flags[name] !== undefined) throw new Error(`--${name} is for --provider ssh (the provider here is ${flags.provider})`);
    }
    return undefined;
  }
  if (!flags.host) throw new Error('--provider ssh needs --host [user@]host[:port]');
  if (!flags.key) throw new Error('--provider ssh needs --key PATH (the private key to log in with)');
  const m = /^(?:([^@\s]+)@)?(\[[0-9a-fA-F:]+\]|[^:@\s]+)(?::(\d{1,5}))?$/.exec(flags.host);
  if (!m) throw new Error(`--host "${flags.host}" is not [user@]host[:port]`);
  const port = m[3] === undefined ? 22 : Number(m[3]);
  if (port < 1 || port > 65535) throw new Error(`--host "${flags.host}": port ${port} is not between 1 and 65535`);
  for (const f of flags['host-fingerprint'] ?? []) {
    if (!/^SHA256:[A-Za-z0-9+/]{43}=?$/.test(f)) throw new Error(`--host-fingerprint "${f}" is not a SHA256:... fingerprint as ssh-keygen -lf prints it`);
  }
  return {
    host: m[2].replace(/^\[|\]$/g, ''), port, user: m[1] ?? 'root', keyPath: flags.key,
    fingerprints: flags['host-fingerprint'], knownHostsPath: flags['known-hosts'],
  };
}

export const providerName = (flags: ProviderFlagValues) => flags.provider as ProviderName;
