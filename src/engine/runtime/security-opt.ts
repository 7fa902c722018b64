/**
 * `--security-opt`: which seccomp profile a container gets and whether it may gain privileges through
 * set-uid binaries. Parsed at create, so a wrong option is the client's 400 rather than a failed start.
 */
import {release} from 'node:os';
import {customSeccompProfile, SeccompProfileError} from './seccomp-custom.js';
import {defaultSeccompProfile, type SeccompProfile} from './seccomp.js';

export interface SecurityOptions {
  /** 'builtin' (the engine's default), 'unconfined' (no filter), or a profile the client sent as JSON. */
  seccomp: 'builtin' | 'unconfined' | {json: string};
  noNewPrivileges: boolean;
}

export class SecurityOptError extends Error {
  override name = 'SecurityOptError';
}

/** Docker's forms: `key=value` (or the old `key:value`), plus the bare words `no-new-privileges` and `disable`. */
export function parseSecurityOpt(options: readonly string[] | null | undefined): SecurityOptions {
  const out: SecurityOptions = {seccomp: 'builtin', noNewPrivileges: false};
  for (const opt of options ?? []) {
    if (opt === 'no-new-privileges') {
      out.noNewPrivileges = true;
      continue;
    }
    if (opt === 'disable') continue; // an SELinux label option; this engine applies no labels
    const sep = opt.includes('=') ? '=' : opt.includes(':') ? ':' : '';
    if (!sep) throw new SecurityOptError(`invalid --security-opt 1: ${JSON.stringify(opt)}`);
    const key = opt.slice(0, opt.indexOf(sep));
    const value = opt.slice(opt.indexOf(sep) + 1);
    if (key === 'seccomp') {
      if (value === 'unconfined' || value === 'builtin' || value === '') out.seccomp = value === 'unconfined' ? 'unconfined' : 'builtin';
      else {
        // The docker CLI reads a profile file and sends its contents; check it now, so a bad one is a 400.
        try {
          customSeccompProfile(value, []);
        } catch (error) {
          if (error instanceof SeccompProfileError) throw new SecurityOptError(error.message);
          throw error;
        }
        out.seccomp = {json: value};
      }
    } else if (key === 'no-new-privileges') {
      if (!/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(value)) throw new SecurityOptError(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
      out.noNewPrivileges = /^(1|t|T|TRUE|true|True)$/.test(value);
    } else if (key === 'label' || key === 'apparmor') {
      // Accepted as Docker does on a host without SELinux or AppArmor: nothing to apply.
    } else {
      throw new SecurityOptError(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
    }
  }
  return out;
}

/** The filter a container runs under; none when privileged or unconfined. */
export function seccompFor(options: SecurityOptions, privileged: boolean, capabilities: readonly string[]): SeccompProfile | undefined {
  if (privileged || options.seccomp === 'unconfined') return undefined;
  if (options.seccomp === 'builtin') return defaultSeccompProfile(capabilities, release());
  return customSeccompProfile(options.seccomp.json, capabilities);
}
