/**
 * A student's lab session: which lab, where (provider, work dir), in which language, and the progress so far.
 * Progress only grows: a check once passed stays passed, with the evidence it saw then.
 */
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {writeFileAtomic} from '../../engine/util/fs-atomic.js';
import type {Progress} from '../grading/graded-session.js';
import type {SshTarget} from '../providers/ssh-target.js';

export interface Session {
  lab: string;
  provider: 'local' | 'qemu' | 'ssh' | 'libvirt';
  /** The provider's name for the environment (the VM name, for qemu). */
  envName: string;
  /** For provider ssh: the machine, so that later commands reconnect to it. */
  ssh?: SshTarget;
  workdir: string;
  lang: string;
  student: string;
  /** Unix seconds; engine events before it are not this session's. */
  startedAt: number;
  images: Record<string, {id: string}>;
  /** The lab's per-session parameters ({{params.x}}), see params.ts. */
  params?: Record<string, string>;
  /** Containers and images that existed before the lab started: not the student's work in this lab. */
  baseline?: {containers: string[]; images: string[]};
  /** For a lab that has the student reconfigure the engine: its files at the start, which `lab reset` restores. */
  serviceFiles?: Record<string, string | null>;
  answers: Record<string, string>;
  progress: Progress;
  hints: Record<string, number>;
}

/** What a session is made from; the rest (when it started, answers, progress, hints) starts afresh. */
export type SessionInit = Pick<Session, 'lab' | 'provider' | 'envName' | 'ssh' | 'workdir' | 'lang' | 'student' | 'images' | 'params' | 'baseline' | 'serviceFiles'>;

/** A session that starts now: what `lab start` records, what `lab reset` goes back to, what a self-test grades. */
export function createSession(init: SessionInit): Session {
  return {
    lab: init.lab, provider: init.provider, envName: init.envName, ssh: init.ssh, workdir: init.workdir, lang: init.lang, student: init.student,
    // A second early, so that events of the very first command count as this session's.
    startedAt: Math.floor(Date.now() / 1000) - 1,
    images: init.images, params: init.params, baseline: init.baseline, serviceFiles: init.serviceFiles, answers: {}, progress: {}, hints: {},
  };
}

/** ${XDG_STATE_HOME:-~/.local/state}/lab: where sessions are kept (a self-test passes its own state home). */
export function stateDir(xdgStateHome = process.env.XDG_STATE_HOME): string {
  return join(xdgStateHome && xdgStateHome.startsWith('/') ? xdgStateHome : join(homedir(), '.local', 'state'), 'lab');
}

const sessionFile = (dir: string, lab: string) => join(dir, 'sessions', `${lab}.json`);
const currentFile = (dir: string) => join(dir, 'sessions', 'current');

export function saveSession(s: Session, dir = stateDir()): void {
  mkdirSync(join(dir, 'sessions'), {recursive: true, mode: 0o700});
  writeFileAtomic(sessionFile(dir, s.lab), JSON.stringify(s, null, 2));
  writeFileAtomic(currentFile(dir), s.lab);
}

export function loadSession(lab?: string, dir = stateDir()): Session {
  const id = lab ?? (existsSync(currentFile(dir)) ? readFileSync(currentFile(dir), 'utf8').trim() : undefined);
  if (!id) throw new Error('no lab has been started here yet: start one with `lab start 26`');
  const file = sessionFile(dir, id);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Session;
  // `lab start` names the environment (lab26, the VM's name) in what it prints: that name is accepted too.
  const byEnv = sessionByEnvName(dir, id);
  if (byEnv) return byEnv;
  throw new Error(`lab ${id} has not been started here: run \`lab start ${id.replace(/^lab(?=.)/, '')}\``);
}

/** Removes a lab's session; `current` goes too when it named that lab. */
export function forgetSession(lab: string, dir = stateDir()): void {
  rmSync(sessionFile(dir, lab), {force: true});
  if (existsSync(currentFile(dir)) && readFileSync(currentFile(dir), 'utf8').trim() === lab) rmSync(currentFile(dir), {force: true});
}

/** --lang, then LAB_LANG, then the system's LANG; limited to what the lab has. */
export function chooseLanguage(available: string[], flag?: string): string {
  const wanted = [flag, process.env.LAB_LANG, (process.env.LC_ALL || process.env.LANG || '').slice(0, 2)].filter(Boolean) as string[];
  return wanted.find((l) => available.includes(l)) ?? (available.includes('en') ? 'en' : available[0]);
}

function sessionByEnvName(dir: string, name: string): Session | undefined {
  let files: string[];
  try {
    files = readdirSync(join(dir, 'sessions')).filter((f) => f.endsWith('.json'));
  } catch {
    return undefined;
  }
  for (const f of files) {
    try {
      const s = JSON.parse(readFileSync(join(dir, 'sessions', f), 'utf8')) as Session;
      if (s.envName === name) return s;
    } catch {
      // a damaged session file is another command's error
    }
  }
  return undefined;
}
