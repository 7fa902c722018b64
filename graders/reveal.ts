/**
 * Concept: what a container printed, holds and was configured with is read from the engine — docker logs (its
 * output), docker exec (a program run inside it), docker inspect (its configuration), docker top (its processes).
 * Each answer is a code the lab put where only that command finds it, checked against the engine's state.
 */
import type {ContainerSnapshot, Snapshot} from './snapshot.js';
import {fail, grader, pass, text} from './types.js';

const short = (id: string) => id.slice(0, 12);

export function containerNamed(snapshot: Snapshot, name: string): ContainerSnapshot | undefined {
  return snapshot.engine.containers.find((c) => c.name === name);
}

interface CodeParams {
  container: string;
  answer: string;
  code: string;
}
const codeParams = {
  type: 'object', additionalProperties: false, required: ['container', 'answer', 'code'],
  properties: {container: text, answer: text, code: text},
} as const;

/** The answer compared with the code; a wrong one is named for what it is when that can be told. */
function judgeAnswer(snapshot: Snapshot, p: CodeParams, c: ContainerSnapshot): string | undefined {
  const given = snapshot.answers[p.answer]?.trim();
  if (!given) return `no answer yet (lab answer ${p.answer} …)`;
  if (given === p.code) return undefined;
  if (c.id.startsWith(given) || given === c.name) return `${given} names the container itself, not the code it holds`;
  const other = snapshot.engine.containers.find((x) => x.id !== c.id && (x.logTail.some((l) => l.includes(given)) || (x.env ?? []).some((e) => e.endsWith(`=${given}`))));
  if (other) return `${given} is the code of container ${other.name}, not of ${c.name}`;
  return `${given} is not the code ${c.name} holds`;
}

const gone = (name: string) => `there is no container named ${name} (the lab made it; lab reset makes it again)`;

/** The code container printed: answered, and still in its log. */
export const logs = grader<CodeParams>(codeParams, (snapshot, p) => {
  const expected = `the code container ${p.container} printed (docker logs ${p.container}), given with lab answer ${p.answer}`;
  const concept = 'a container\'s standard output and error are kept by the engine (the json-file log) after it exits: docker logs reads them back.';
  const c = containerNamed(snapshot, p.container);
  if (!c) return fail(gone(p.container), expected, concept);
  if (!c.logTail.some((l) => l.includes(p.code))) return fail(`${p.container}'s log no longer holds its code`, expected, concept, {containerId: c.id});
  const wrong = judgeAnswer(snapshot, p, c);
  return wrong ? fail(wrong, expected, concept, {containerId: c.id}) : pass(`the code ${p.container} printed`, expected, concept, {containerId: c.id});
});

/** The code in a file inside a running container, answered, and a docker exec into that container after the lab began. */
export const exec = grader<CodeParams>(codeParams, (snapshot, p) => {
  const expected = `the code in a file inside ${p.container}, read with docker exec ${p.container} …, given with lab answer ${p.answer}`;
  const concept = 'docker exec starts another process in a running container\'s namespaces and root: it sees the container\'s files, as its own processes do.';
  const c = containerNamed(snapshot, p.container);
  if (!c) return fail(gone(p.container), expected, concept);
  const execs = snapshot.engine.events.filter((e) => e.Type === 'container' && e.Actor.ID === c.id && e.Action.startsWith('exec_start'));
  const evidence = {containerId: c.id, execs: execs.map((e) => e.Action)};
  const wrong = judgeAnswer(snapshot, p, c);
  if (wrong) return fail(wrong, expected, concept, evidence);
  if (execs.length === 0) return fail(`the code is right, but no docker exec ran in ${p.container} (copied out or read from its layer instead)`, expected, concept, evidence);
  return pass(`the code in ${p.container}, after ${execs.length} docker exec(s): ${execs[0].Action.replace(/^exec_start: /, '')}`, expected, concept, evidence);
});

/** The code a container was configured with (an environment variable), answered. */
export const inspect = grader<CodeParams & {variable: string}>({
  ...codeParams, required: [...codeParams.required, 'variable'], properties: {...codeParams.properties, variable: text},
}, (snapshot, p) => {
  const expected = `the value of ${p.variable} in ${p.container}'s configuration (docker inspect ${p.container}: Config.Env), given with lab answer ${p.answer}`;
  const concept = 'docker inspect shows a container\'s configuration as JSON, whether it ever ran or not: its command, environment, mounts, network settings and state.';
  const c = containerNamed(snapshot, p.container);
  if (!c) return fail(gone(p.container), expected, concept);
  if (!(c.env ?? []).includes(`${p.variable}=${p.code}`)) return fail(`${p.container} is no longer configured with its ${p.variable}`, expected, concept, {containerId: c.id});
  const given = snapshot.answers[p.answer]?.trim();
  if (given === p.variable) return fail(`${given} is the variable's name; its value is asked for`, expected, concept, {containerId: c.id});
  const wrong = judgeAnswer(snapshot, p, c);
  return wrong ? fail(wrong, expected, concept, {containerId: c.id}) : pass(`${p.variable} of ${p.container}`, expected, concept, {containerId: c.id});
});

/** The host PID of a running container's main process (docker top's PID column), answered. */
export const topPid = grader<{container: string; answer: string}>({
  type: 'object', additionalProperties: false, required: ['container', 'answer'],
  properties: {container: text, answer: text},
}, (snapshot, p) => {
  const expected = `the PID docker top ${p.container} shows for its process, given with lab answer ${p.answer}`;
  const concept = 'docker top lists a container\'s processes as the host sees them: host PIDs, not the numbers they have inside their pid namespace.';
  const c = containerNamed(snapshot, p.container);
  if (!c) return fail(gone(p.container), expected, concept);
  if (!c.state.running) return fail(`${p.container} is ${c.state.status}: docker top shows the processes of a running container (docker start ${p.container})`, expected, concept, {containerId: c.id});
  const raw = snapshot.answers[p.answer]?.trim();
  if (!raw) return fail(`no answer yet (lab answer ${p.answer} PID)`, expected, concept, {containerId: c.id});
  const given = Number(raw);
  const evidence = {containerId: c.id, hostPid: c.state.pid, nspid: c.process?.nspid, given: raw};
  if (given === c.state.pid) return pass(`${given}, the host PID of ${p.container}'s ${c.path}`, expected, concept, evidence);
  if (given === c.process?.nspid.at(-1)) return fail(`${given} is its PID inside the container (docker exec ${p.container} ps); docker top shows the host's`, expected, concept, evidence);
  const other = snapshot.engine.containers.find((x) => x.state.running && x.state.pid === given);
  if (other) return fail(`${given} is the process of container ${other.name} (${short(other.id)}), not of ${p.container}`, expected, concept, evidence);
  return fail(`${raw} is not the PID of ${p.container}'s process`, expected, concept, evidence);
});
