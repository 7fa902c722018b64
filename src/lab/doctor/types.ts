/** One system prerequisite of the labs and the engine, as `lab doctor` reports it. */
export type CheckStatus = 'ok' | 'missing' | 'warn';

export interface CheckResult {
  id: string;
  name: string;
  status: CheckStatus;
  /** What was observed, in words (a version, a path, why it is missing). */
  detail: string;
  /** What the prerequisite is for, so a student knows why it matters. */
  neededFor: string;
  /** Debian packages that provide it; `lab doctor --fix` installs these. */
  packages: string[];
  /** The exact command that fixes it, when something is wrong. */
  fix?: string;
  /** Only CI and the tests need it (listed with --dev). */
  devOnly?: boolean;
}

export interface DoctorReport {
  ready: boolean;
  checks: CheckResult[];
}
