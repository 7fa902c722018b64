/**
 * A lab in a VM or on an SSH host is worked on from two sides: the host, where `lab start` ran, and the shell
 * inside (`lab ssh`), where students naturally type `lab check`, `lab hint` and `lab answer` too. The host keeps
 * the session; a copy of it lives in the environment as a local session of that machine, so `lab` works there
 * as well. Each host command pulls what the student recorded inside and pushes its own changes back.
 */
import type {Environment} from '../../environment/environment.js';
import type {Session} from './session.js';

async function remoteSessionsDir(env: Environment): Promise<string> {
  const ask = () => env.exec(['sh', '-c', 'printf %s "${XDG_STATE_HOME:-$HOME/.local/state}/lab/sessions"']);
  let r = await ask();
  // A channel closed with no exit status and no output (255: a busy VM's SSH server dropped it) is asked again.
  for (let i = 0; i < 2 && r.code === 255 && !r.stdout && !r.stderr; i++) {
    await new Promise((done) => setTimeout(done, 1000));
    r = await ask();
  }
  if (r.code !== 0 || !r.stdout.startsWith('/')) {
    throw new Error(`cannot find the lab state folder in ${env.id}: the shell there answered exit ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim()}` : r.stdout ? ` with ${JSON.stringify(r.stdout.slice(0, 200))}` : ' and nothing else'}`);
  }
  return r.stdout;
}

/** The copy as the environment sees itself: a local session on its own engine, same lab, files and language. */
export function inEnvironmentView(s: Session): Session {
  return {...s, provider: 'local', envName: 'local'};
}

export async function pushSession(env: Environment, s: Session): Promise<void> {
  if (env.provider === 'local') return;
  const dir = await remoteSessionsDir(env);
  const made = await env.exec(['mkdir', '-p', '-m', '0700', '--', dir]);
  if (made.code !== 0) throw new Error(`cannot create ${dir} in ${env.id}: ${made.stderr.trim()}`);
  await env.writeFile(`${dir}/${s.lab}.json`, JSON.stringify(inEnvironmentView(s), null, 2), 0o600);
  await env.writeFile(`${dir}/current`, s.lab, 0o600);
}

/**
 * Merges what was recorded inside into the host's session: answers given inside win (every host answer is
 * pushed at once, so a differing copy inside is the newer one), passed checks are the union of both sides
 * (the earlier pass kept), hint counters the larger.
 */
export function mergeSessions(host: Session, inside: Partial<Session>): Session {
  const merged: Session = {...host, answers: {...host.answers, ...(inside.answers ?? {})}, progress: {...host.progress}, hints: {...host.hints}};
  for (const [step, checks] of Object.entries(inside.progress ?? {})) {
    const mine = {...(merged.progress[step] ?? {})};
    for (const [check, pass] of Object.entries(checks)) {
      if (!mine[check] || pass.passedAt < mine[check].passedAt) mine[check] = pass;
    }
    merged.progress[step] = mine;
  }
  for (const [step, n] of Object.entries(inside.hints ?? {})) merged.hints[step] = Math.max(merged.hints[step] ?? 0, n);
  return merged;
}

/** The host's session with what the student recorded inside the environment; the host's alone when there is no copy. */
export async function pullSession(env: Environment, host: Session): Promise<Session> {
  if (env.provider === 'local') return host;
  const dir = await remoteSessionsDir(env);
  let inside: Partial<Session>;
  try {
    inside = JSON.parse(String(await env.readFile(`${dir}/${host.lab}.json`))) as Partial<Session>;
  } catch {
    return host;
  }
  // A copy from an earlier run of the same lab (the VM kept) is not this session's.
  if (inside.startedAt !== host.startedAt) return host;
  return mergeSessions(host, inside);
}
