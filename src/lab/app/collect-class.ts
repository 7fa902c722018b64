/**
 * `lab grades collect`: the teacher runs `lab check`'s collector on every roster student's environment — their
 * SSH host (roster `host`), their VM on this machine (roster `vm`, qemu), their VM on the libvirt hosts (as `lab class
 * start` named it) or their directory here (roster `dir`) — a few
 * at a time, and stores each result signed with the teacher's key, with every check's evidence, in the
 * append-only results store. The student's own session there gives the lab's per-student facts (work dir,
 * images, parameters, answers); progress recorded there is ignored: only what the collector sees now counts.
 */
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {Environment} from '../../environment/environment.js';
import {loadExercise} from '../exercises/load.js';
import type {Exercise} from '../exercises/types.js';
import {gradescopeResults} from '../grading/results.js';
import {evaluate, snapshotRequest, takeSnapshot} from '../grading/run-checks.js';
import {signResult, teacherKey} from '../gradebook/signing.js';
import {storeAttempt} from '../gradebook/store.js';
import {collectorCommandIn} from '../providers/package-in-env.js';
import {classVmName} from '../class-vms/class-vms.js';
import {providerFor} from '../providers/index.js';
import {LocalProvider} from '../providers/local.js';
import type {RosterStudent} from '../roster/types.js';
import type {Session} from '../session/session.js';

export interface CollectTarget {
  provider: 'local' | 'ssh' | 'qemu' | 'libvirt';
  /** For ssh: the private key and how to pin host keys. */
  keyPath?: string;
  knownHostsPath?: string;
  fingerprints?: string[];
  /** Where lab is installed on the hosts (default /opt/lab, where the VM image puts it). */
  labRoot?: string;
}

export interface CollectOutcome {
  student: string;
  ok: boolean;
  score?: number;
  maxScore?: number;
  file?: string;
  error?: string;
  seconds: number;
}

async function environmentOf(s: RosterStudent, lab: string, target: CollectTarget): Promise<Environment> {
  if (target.provider === 'local') {
    if (!s.dir) throw new Error('no dir for this student in the roster (needed with --provider local)');
    return (await new LocalProvider().connect(`collect-${lab}`, s.dir))!;
  }
  if (target.provider === 'qemu' || target.provider === 'libvirt') {
    // A class's libvirt VMs are named from the roster by `lab class start`; a qemu VM only by the roster's vm column.
    if (target.provider === 'qemu' && !s.vm) throw new Error('no vm for this student in the roster (needed with --provider qemu)');
    const name = target.provider === 'qemu' ? s.vm! : classVmName(s);
    const env = await (await providerFor(target.provider)).connect(name);
    if (!env) throw new Error(`no running ${target.provider} VM named ${name} known here (${target.provider === 'qemu' ? 'lab vm ls' : 'lab class status'} lists them)`);
    return env;
  }
  if (!s.host) throw new Error('no host for this student in the roster (needed with --provider ssh)');
  if (!target.keyPath) throw new Error('--provider ssh needs --key');
  const m = /^(?:([^@\s]+)@)?(\[[0-9a-fA-F:]+\]|[^:@\s]+)(?::(\d{1,5}))?$/.exec(s.host);
  if (!m) throw new Error(`host "${s.host}" is not [user@]host[:port]`);
  const {SshProvider} = await import('../providers/ssh.js');
  const provider = new SshProvider({host: m[2].replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : 22, user: m[1] ?? 'root', keyPath: target.keyPath, knownHostsPath: target.knownHostsPath, fingerprints: target.fingerprints});
  return (await provider.connect(`collect-${lab}`))!;
}

/** The student's session of `lab` in their environment: under their $HOME (local: the roster dir) in lab's state folder. */
async function sessionIn(env: Environment, s: RosterStudent, lab: string): Promise<Session> {
  let text: string;
  if (env.provider === 'local') {
    text = await readFile(join(s.dir!, '.local', 'state', 'lab', 'sessions', `${lab}.json`), 'utf8').catch(() => '');
  } else {
    const r = await env.exec(['sh', '-c', 'cat -- "${XDG_STATE_HOME:-$HOME/.local/state}/lab/sessions/$1.json"', 'sh', lab]);
    text = r.code === 0 ? r.stdout : '';
  }
  if (!text) throw new Error(`lab ${lab} has not been started in this environment (no session found)`);
  try {
    return JSON.parse(text) as Session;
  } catch {
    throw new Error(`the session of lab ${lab} in this environment is not valid JSON`);
  }
}

/** What the collector sees in one student's environment now, as an unsigned results file. */
export interface Observation {
  report: ReturnType<typeof gradescopeResults>;
  engineReachable: boolean;
}

export async function observeStudent(s: RosterStudent, exercise: Exercise, target: CollectTarget, started = Date.now()): Promise<Observation> {
  let env: Environment | undefined;
  try {
    env = await environmentOf(s, exercise.id, target);
    const found = await sessionIn(env, s, exercise.id);
    // Passes the student's copy records are not evidence: only what is there now.
    const session: Session = {...found, student: s.id, progress: {}, answers: found.answers ?? {}, hints: {}};
    const collector = target.labRoot && env.provider !== 'local' ? ['node', `${target.labRoot}/dist/bundle/collect.mjs`] : collectorCommandIn(env);
    const snapshot = await takeSnapshot(env, snapshotRequest(exercise, session), collector);
    const results = evaluate(exercise, session, snapshot);
    const report = gradescopeResults(exercise, {...session, provider: target.provider}, results, (Date.now() - started) / 1000);
    return {report, engineReachable: snapshot.engine.reachable};
  } finally {
    await env?.close().catch(() => undefined);
  }
}

/** Signed with the teacher's key and added to the append-only store. */
export function storeObservation(s: RosterStudent, exercise: Exercise, {report, engineReachable}: Observation, store: string, seconds: number): CollectOutcome {
  const signed = signResult(report, 'collected', {kind: 'lab', engineReachable});
  const file = storeAttempt(store, signed, exercise.id);
  return {student: s.id, ok: true, score: report.score, maxScore: report.extra_data.maxScore, file, seconds};
}

export async function collectOne(s: RosterStudent, exercise: Exercise, target: CollectTarget, store: string): Promise<CollectOutcome> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  try {
    return storeObservation(s, exercise, await observeStudent(s, exercise, target, started), store, seconds());
  } catch (error) {
    return {student: s.id, ok: false, error: (error as Error).message, seconds: seconds()};
  }
}

/** Every student, `jobs` at a time; `progress` hears of each one as it finishes. */
export async function collectClass(students: RosterStudent[], lab: string, target: CollectTarget, store: string, jobs: number, progress: (done: number, total: number, last: CollectOutcome) => void): Promise<CollectOutcome[]> {
  const exercise = loadExercise(lab);
  teacherKey(); // made before the workers start, so they all sign with the same one
  const outcomes: CollectOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < students.length) {
      const s = students[next++];
      const outcome = await collectOne(s, exercise, target, store);
      outcomes.push(outcome);
      progress(outcomes.length, students.length, outcome);
    }
  };
  await Promise.all(Array.from({length: Math.max(1, Math.min(jobs, students.length))}, worker));
  return outcomes.sort((a, b) => students.findIndex((s) => s.id === a.student) - students.findIndex((s) => s.id === b.student));
}
