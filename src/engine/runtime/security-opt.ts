/**
 * `--security-opt`: which seccomp profile a container gets and whether it may gain privileges through
 * set-uid binaries. Parsed at create, so a wrong option is the client's 400 rather than a failed start.
 */
import {release} from 'node:os';
import {customSeccompProfile, SeccompProfileError} from './seccomp-custom.js';
import {defaultSeccompProfile, type SeccompProfile} from './seccomp.js';

/** 'builtin' (the engine's own allow-list), 'unconfined' (no filter), or a profile in Docker's JSON format. */
export type SeccompChoice = 'builtin' | 'unconfined' | {json: string; path?: string};

export interface SecurityOptions {
  /** 'default' (none asked for, or `seccomp=builtin`): the daemon's seccomp-profile, else the engine's own. */
  seccomp: 'default' | 'unconfined' | {json: string};
  noNewPrivileges: boolean;
}

export class SecurityOptError extends Error {
  override name = 'SecurityOptError';
}

/** Docker's forms: `key=value` (or the old `key:value`), plus the bare words `no-new-privileges` and `disable`. */
export function parseSecurityOpt(options: readonly string[] | null | undefined): SecurityOptions {
  const out: SecurityOptions = {seccomp: 'default', noNewPrivileges: false};
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
      if (value === 'unconfined' || value === 'builtin' || value === '') out.seccomp = value === 'unconfined' ? 'unconfined' : 'default';
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
export function seccompFor(options: SecurityOptions, privileged: boolean, capabilities: readonly string[], daemonDefault: SeccompChoice = 'builtin'): SeccompProfile | undefined {
  const choice = options.seccomp === 'default' ? daemonDefault : options.seccomp;
  if (privileged || choice === 'unconfined') return undefined;
  if (choice === 'builtin') return defaultSeccompProfile(capabilities, release());
  return customSeccompProfile(choice.json, capabilities);
}

/** daemon.json seccomp-profile / --seccomp-profile: "builtin", "unconfined" or a profile file's path, read once at start. */
export function daemonSeccompChoice(value: string, readFile: (path: string) => string): SeccompChoice {
  if (value === 'builtin' || value === 'unconfined') return value;
  let json: string;
  try {
    json = readFile(value);
  } catch (error) {
    throw new SecurityOptError(`cannot read the seccomp profile ${value}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    customSeccompProfile(json, []);
  } catch (error) {
    if (error instanceof SeccompProfileError) throw new SecurityOptError(`${value}: ${error.message}`);
    throw error;
  }
  return {json, path: value};
}
