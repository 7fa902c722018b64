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
  solve: string;
  mutations?: MutationDef[];
}

export interface Exercise {
  id: string;
  title: Localized;
  source?: string;
  locales: string[];
  files?: Array<{from: string; to: string; mode?: string}>;
  images?: Array<{recipe: string; load?: boolean; saveAs?: string}>;
  prepare?: Array<{script: string; description?: string}>;
  watch?: {hostFiles?: string[]; imagePaths?: string[]; containerPaths?: string[]; contains?: string[]};
  steps: StepDef[];
  /** Where the definition was loaded from. */
  dir: string;
}
