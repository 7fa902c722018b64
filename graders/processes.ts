/**
 * Concept: a container's process is an ordinary process of the host. The daemon starts a shim per container
 * and the shim starts the program (labd → labd-shim → process, as dockerd → containerd-shim → process); the
 * program has a host PID anyone can see with ps -aef --forest, and a PID of its own inside its pid namespace.
 */
import type {JSONSchemaType} from 'ajv';
import type {ContainerSnapshot, Snapshot} from './snapshot.js';
import {fail, grader, optionalText, pass, text} from './types.js';

const concept = 'the process in a container is a host process with two PIDs: the host\'s (ps on the host) and its own namespace\'s (ps inside, where the first process is 1).';
const short = (id: string) => id.slice(0, 12);
const runs = (c: ContainerSnapshot, program: string) => [c.path, ...c.args].some((a) => a === program || a.endsWith(`/${program}`));

function running(snapshot: Snapshot): ContainerSnapshot[] {
  return snapshot.engine.containers.filter((c) => c.state.running && c.state.pid > 0);
}

/** The server: a running container whose command is the program, without a terminal. */
function server(snapshot: Snapshot, program: string): ContainerSnapshot | undefined {
  return running(snapshot).find((c) => runs(c, program) && !c.tty);
}

/** labd (1) → labd-shim (2) → httpd (3), from the process's line of parents. */
export function chainText(c: ContainerSnapshot): string {
  const chain = c.process?.chain ?? [];
  return [...chain].reverse().map((p) => `${p.program ?? p.comm} (${p.pid})`).join(' → ') || `pid ${c.state.pid}`;
}

/** An interactive container (docker run -it busybox sh) running the program (sh by default). */
export const interactiveShell = grader<{program?: string}>({
  type: 'object', additionalProperties: false,
  properties: {program: optionalText},
}, (snapshot, params) => {
  const program = params.program ?? 'sh';
  const expected = `a running container with a terminal whose process is ${program} (docker run -it busybox ${program})`;
  const c = running(snapshot).find((x) => x.tty && runs(x, program));
  if (c) return pass(`container ${short(c.id)} (${c.name}) runs ${program} with a terminal: ${chainText(c)}`, expected, concept, {containerId: c.id});
  const stopped = snapshot.engine.containers.find((x) => runs(x, program) && x.tty);
  return fail(stopped ? `container ${short(stopped.id)} ran ${program} but is ${stopped.state.status} now: keep it open while you look` : `no running container with a terminal runs ${program}`, expected, concept);
});

/** A detached server container running the program (e.g. httpd). */
export const serverRunning = grader<{program: string}>({
  type: 'object', additionalProperties: false, required: ['program'],
  properties: {program: text},
}, (snapshot, {program}) => {
  const expected = `a detached container (docker run -d) running ${program}`;
  const c = server(snapshot, program);
  if (c) return pass(`container ${short(c.id)} (${c.name}) runs ${program}: ${chainText(c)}`, expected, concept, {containerId: c.id, chain: c.process?.chain});
  const gone = snapshot.engine.containers.find((x) => runs(x, program));
  return fail(gone ? `container ${short(gone.id)} ran ${program} but is ${gone.state.status} (exit ${gone.state.exitCode}): a server in the foreground (httpd -f) keeps it running` : `no running container runs ${program}`, expected, concept);
});

/** The server's program, and the key under which the student gives its PID (lab answer KEY PID). */
interface PidAnswer {
  program: string;
  answer: string;
}
const pidAnswer: JSONSchemaType<PidAnswer> = {type: 'object', additionalProperties: false, required: ['program', 'answer'], properties: {program: text, answer: text}};

function answered(snapshot: Snapshot, key: string): number | undefined {
  const a = snapshot.answers[key];
  return a === undefined ? undefined : Number(a.trim());
}

/** The answer is the server's main process's PID on the host. */
export const hostPid = grader<PidAnswer>(pidAnswer, (snapshot, params) => {
  const key = params.answer;
  const expected = `the host PID of the ${params.program} container's main process (lab answer ${key} PID)`;
  const c = server(snapshot, params.program);
  if (!c) return fail(`no running container runs ${params.program}`, expected, concept);
  const given = answered(snapshot, key);
  const inner = c.process?.nspid.at(-1);
  const evidence = {containerId: c.id, hostPid: c.state.pid, nspid: c.process?.nspid, chain: c.process?.chain, given};
  if (given === undefined) return fail(`no answer yet (lab answer ${key} PID)`, expected, concept, evidence);
  if (given === c.state.pid) return pass(`${given}: ${chainText(c)}`, expected, concept, evidence);
  if (given === inner) return fail(`${given} is its PID inside the container (its own pid namespace); the host knows it by another number`, expected, concept, evidence);
  const other = running(snapshot).find((x) => x.state.pid === given);
  if (other) return fail(`${given} is the main process of container ${short(other.id)} (${other.name}), not of the ${params.program} container`, expected, concept, evidence);
  const inChain = c.process?.chain.find((p) => p.pid === given);
  if (inChain) return fail(`${given} is ${inChain.program ?? inChain.comm}, an ancestor of the server process (${chainText(c)})`, expected, concept, evidence);
  return fail(`${given} is not the PID of the ${params.program} process on the host`, expected, concept, evidence);
});

/** The answer is the server's PID inside its own pid namespace. */
export const insidePid = grader<PidAnswer>(pidAnswer, (snapshot, params) => {
  const key = params.answer;
  const expected = `the PID of the ${params.program} container's main process inside the container (lab answer ${key} PID)`;
  const c = server(snapshot, params.program);
  if (!c) return fail(`no running container runs ${params.program}`, expected, concept);
  const inner = c.process?.nspid.at(-1);
  const given = answered(snapshot, key);
  const evidence = {containerId: c.id, nspid: c.process?.nspid, given};
  if (inner === undefined) return fail('its process could not be read (NSpid in /proc/<pid>/status)', expected, concept, evidence);
  if (given === undefined) return fail(`no answer yet (lab answer ${key} PID)`, expected, concept, evidence);
  if (given === inner) return pass(`${given} (NSpid ${c.process!.nspid.join(' ')}: host ${c.state.pid}, inside ${inner})`, expected, concept, evidence);
  if (given === c.state.pid) return fail(`${given} is its PID on the host; inside its pid namespace it has another number`, expected, concept, evidence);
  return fail(`${given} is not its PID inside the container`, expected, concept, evidence);
});
