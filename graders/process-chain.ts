/**
 * Concept: the line of processes behind a container. The daemon starts a shim per container; the shim has runc
 * create the container, and runc exits once the process runs, leaving the shim its parent. The student reports
 * the three host PIDs; they are checked against the parents the kernel shows for that container's process.
 */
import {fail, grader, pass, text} from './types.js';

const concept = 'the daemon (labd, as dockerd) starts a shim for each container; runc creates the namespaces and starts the process, then exits, so the process\'s parent is the shim and the shim\'s is the daemon.';

/** The answer names the daemon, shim and process PIDs (host PIDs, in that order) of the running container. */
export const chainAnswer = grader<{container: string; answer: string}>({
  type: 'object', additionalProperties: false, required: ['container', 'answer'], properties: {container: text, answer: text},
}, (snapshot, {container, answer}) => {
  const expected = `the host PIDs of the daemon, the shim and the process of container ${container}, in that order (lab answer ${answer} "DAEMON SHIM PROCESS")`;
  const c = snapshot.engine.containers.find((x) => x.name === container && x.state.running);
  if (!c) return fail(`container ${container} is not running`, expected, concept);
  const chain = c.process?.chain ?? [];
  const [proc, shim, daemon] = chain;
  const truth = chain.slice(0, 3).reverse().map((x) => `${x.program ?? x.comm} (${x.pid})`).join(' → ');
  const evidence = {chain};
  const given = snapshot.answers[answer]?.trim();
  if (!given) return fail(`no answer yet (lab answer ${answer} "DAEMON SHIM PROCESS")`, expected, concept, evidence);
  const pids = given.split(/[\s,→>-]+/).filter(Boolean).map(Number);
  if (pids.length !== 3 || pids.some((n) => !Number.isInteger(n) || n <= 0)) return fail(`"${given}" is not three PIDs`, expected, concept, evidence);
  if (!proc || !shim || !daemon) return fail(`the process of ${container} could not be followed to its daemon`, expected, concept, evidence);
  const [d, s, p] = pids;
  if (d === daemon.pid && s === shim.pid && p === proc.pid) return pass(`${truth}`, expected, concept, evidence);
  if (p !== proc.pid && c.process && c.process.nspid.at(-1) === p) return fail(`${p} is the process's PID inside its own pid namespace; the host knows it as ${proc.pid}`, expected, concept, evidence);
  const known = new Map(chain.map((x) => [x.pid, x.program ?? x.comm]));
  if (pids.every((n) => known.has(n))) return fail(`${pids.map((n) => `${n} is ${known.get(n)}`).join(', ')}: not in the order daemon, shim, process`, expected, concept, evidence);
  const stranger = pids.find((n) => !known.has(n));
  return fail(`${stranger} is not among ${container}'s process and its parents (${truth})`, expected, concept, evidence);
});
