/** What `lab doctor` knows about one prerequisite: what it is for, how to look for it and how to fix it. */
import type {CheckResult} from './types.js';

export type Outcome = {status: CheckResult['status']; detail: string};

export interface Prerequisite {
  id: string;
  name: string;
  neededFor: string;
  /** host: only where VMs and images are built; otherwise also where containers run (this machine, or the lab VM). */
  where?: 'host';
  /** Only CI and the tests need it: listed with --dev. */
  devOnly?: boolean;
  /** Debian packages that provide it; `lab doctor --fix` installs these. */
  packages: string[];
  /** A hint for the fix when no Debian package applies. */
  manualFix?: string;
  /** A fix `lab doctor --fix` can carry out itself once the packages are in. */
  repair?: {describe: string; run(): Promise<void>};
  check(): Outcome;
}
