/** An exercise definition as lab.json holds it (validated by schema.ts). */
export type Localized = Record<string, string> & {en: string};

export interface CheckDef {
  id: string;
  grader: string;
  params?: Record<string, unknown>;
  weight?: number;
  /** Holds from the start (e.g. "the host is untouched"): credited only once the step's other checks pass. */
  guard?: boolean;
  hints?: Localized[];
}

export interface MutationDef {
  id: string;
  script: string;
  undo?: string;
  rejects: string[];
  description?: string;
}

export interface StepDef {
  id: string;
  title: Localized;
  concept: Localized;
  checks: CheckDef[];
  question?: {choices: Record<string, Localized>};
  /** Free-form answers by key: the value must match the pattern (a regular expression). */
  answers?: Record<string, {pattern: string; example?: string}>;
  solve: string;
  mutations?: MutationDef[];
}

/** A per-session value: fixed, random (hex, or an address octet 2–253), and in the self-test a value of its own (a template over {{selftest}}, {{freePort}}). */
export interface ParamDef {
  value?: string;
  random?: 'hex' | 'octet';
  length?: number;
  selfTest?: string;
  description?: string;
}

export interface Exercise {
  id: string;
  title: Localized;
  source?: string;
  locales: string[];
  files?: Array<{from: string; to: string; mode?: string}>;
  /** load: docker load at start; neither load nor saveAs: the student pulls it from the course registry. */
  images?: Array<{recipe: string; load?: boolean; saveAs?: string}>;
  /** needsEngine false: the script uses no container engine, so a VM's start runs it while its engine starts. */
  prepare?: Array<{script: string; description?: string; needsEngine?: boolean}>;
  /** A script ending what the steps leave running outside the engine (unshare'd processes...). */
  cleanup?: string;
  /** lab destroy also runs the cleanup where the machine stays (what lab start set up: lab 26's audit rules). */
  cleanupOnDestroy?: boolean;
  /**
   * A script run once in the VM image's root tree as it is built (in a chroot, cwd the exercise dir), for work each
   * lab start would otherwise repeat under emulation (lab 26 compiles mywc's package there); its prepare scripts
   * use what it left when it is there, and do the work themselves where it is not (the local and ssh providers).
   */
  imageBuild?: string;
  params?: Record<string, ParamDef>;
  service?: {optionsFile: string; opts: string};
  watch?: {
    hostFiles?: string[]; imagePaths?: string[]; containerPaths?: string[]; contains?: string[]; dirs?: string[];
    /** Repositories to read from the course registry (the engine's first mirror); the self-test starts a registry of its own. */
    registryRepos?: string[];
    mounts?: boolean; processes?: boolean; namespacedProcesses?: boolean; cgroups?: boolean; capabilities?: boolean;
    sizes?: boolean; postgres?: boolean;
    daemon?: {pidfile: string; configFile: string; optionsFile?: string; tcpPort: string};
    /** The audit key of the lab's rule on chmod-family calls (loaded by a prepare script, removed by cleanup). */
    audit?: {key: string};
  };
  steps: StepDef[];
  /** Where the definition was loaded from. */
  dir: string;
}
