/**
 * Concept: cgroups limit what a container's processes may use. docker run --memory, --cpus and --pids-limit
 * become numbers in the container's cgroup files (v2: memory.max, cpu.max, pids.max; v1: memory.limit_in_bytes,
 * cpu.cfs_quota_us/cpu.cfs_period_us, pids.max); the kernel enforces them — past the memory limit the OOM killer.
 */
import type {ContainerSnapshot} from './snapshot.js';
import {fail, grader, pass} from './types.js';

const short = (id: string) => id.slice(0, 12);
const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

interface Limits {
  memory: number;
  cpus: number;
  pids: number;
}

/** What is wrong with a container's limits, one phrase per limit (empty: all as asked). */
function problems(c: ContainerSnapshot, want: Limits): string[] {
  const g = c.cgroup!;
  const out: string[] = [];
  if (g.memory === null) out.push('no hard memory limit (--memory-reservation is only a soft one)');
  else if (g.memory !== want.memory) out.push(`memory limit ${mib(g.memory)}, not ${mib(want.memory)}`);
  if (g.cpu === null) out.push('no CPU quota (--cpu-shares only weighs CPU time against other containers)');
  else if (Math.abs(g.cpu.quota / g.cpu.period - want.cpus) > 0.01) out.push(`a CPU quota of ${g.cpu.quota}/${g.cpu.period} µs = ${(g.cpu.quota / g.cpu.period).toFixed(2)} CPUs, not ${want.cpus}`);
  if (g.pids === null) out.push('no pids limit');
  else if (g.pids !== want.pids) out.push(`a pids limit of ${g.pids}, not ${want.pids}`);
  return out;
}

/** A running container whose cgroup files hold the memory limit (bytes), the CPU quota (in CPUs) and the pids limit asked. */
export const limits = grader<Limits>({
  type: 'object', additionalProperties: false, required: ['memory', 'cpus', 'pids'],
  properties: {memory: {type: 'integer', minimum: 1}, cpus: {type: 'number', exclusiveMinimum: 0}, pids: {type: 'integer', minimum: 1}},
}, (snapshot, want) => {
  const expected = `a running container whose cgroup files say: memory ${mib(want.memory)}, ${want.cpus} CPUs, at most ${want.pids} processes`;
  const concept = 'the engine writes --memory, --cpus and --pids-limit into the container\'s cgroup files; the kernel enforces what they say.';
  const running = snapshot.engine.containers.filter((c) => c.state.running && c.cgroup);
  if (running.length === 0) return fail('no running container', expected, concept);
  const ranked = running.map((c) => ({c, p: problems(c, want)})).sort((a, b) => a.p.length - b.p.length);
  const {c, p} = ranked[0];
  const evidence = {containerId: c.id, cgroup: c.cgroup};
  if (p.length === 0) return pass(`container ${short(c.id)} (${c.name}), cgroup v${c.cgroup!.version}: ${Object.entries(c.cgroup!.files).filter(([f]) => /(memory\.(max|limit_in_bytes)|cpu\.(max|cfs_quota_us)|pids\.max)$/.test(f)).map(([f, v]) => `${f.split('/').pop()} = ${v}`).join(', ')}`, expected, concept, evidence);
  return fail(`container ${short(c.id)} (${c.name}) has ${p.join('; ')}`, expected, concept, evidence);
});

/** A container the kernel's OOM killer ended (State.OOMKilled), as its memory limit was reached. */
export const oomKilled = grader<Record<string, never>>({type: 'object', additionalProperties: false, properties: {}, required: []}, (snapshot) => {
  const expected = 'a container with a memory limit that used more and was killed by the OOM killer (docker inspect: State.OOMKilled true, exit code 137)';
  const concept = 'past its cgroup\'s memory limit the kernel\'s OOM killer sends SIGKILL to a process of the container: exit code 137 (128 + 9) and State.OOMKilled.';
  const exited = snapshot.engine.containers.filter((c) => !c.state.running && c.state.status !== 'created');
  const oom = exited.find((c) => c.state.oomKilled);
  if (oom) return pass(`container ${short(oom.id)} (${oom.name}) exited ${oom.state.exitCode} with OOMKilled true`, expected, concept, {containerId: oom.id, state: oom.state});
  const killed = exited.find((c) => c.state.exitCode === 137);
  if (killed) return fail(`container ${short(killed.id)} (${killed.name}) exited 137 — killed by SIGKILL — but not by the OOM killer (OOMKilled false): docker kill sends the same signal`, expected, concept, {containerId: killed.id, state: killed.state});
  if (exited[0]) return fail(`container ${short(exited[0].id)} (${exited[0].name}) exited ${exited[0].state.exitCode} by itself, not killed`, expected, concept);
  return fail('no container has exited', expected, concept);
});
