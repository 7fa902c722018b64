/**
 * Concept: `docker run -it alpine` gives a shell that sees only its own container: its own processes (the shell
 * is PID 1), its own network interface and address, its own small root file system. The student reports what
 * the container showed; each answer is compared with that very container, found by the hostname it reported.
 */
import type {ContainerSnapshot, Snapshot} from './snapshot.js';
import {fail, grader, pass, text, type Verdict} from './types.js';

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
const concept = 'a container is isolated by namespaces: ps shows its processes only (the shell is PID 1), ip a its own interface and address, du its own root file system (the image\'s layers and its writable layer).';

interface Params {
  imageId: string;
}
const schema = {type: 'object', additionalProperties: false, required: ['imageId'], properties: {imageId: text}} as const;

const interactive = (c: ContainerSnapshot) => Boolean(c.tty && c.openStdin);

/** The container the answers speak of: the one whose hostname was reported, else the newest interactive one. */
function explored(snapshot: Snapshot, imageId: string): {c?: ContainerSnapshot; why?: string} {
  const mine = snapshot.engine.containers.filter((c) => c.image === imageId);
  const given = snapshot.answers.hostname?.trim().toLowerCase();
  if (given) {
    const c = snapshot.engine.containers.find((x) => x.hostname?.toLowerCase() === given);
    if (!c) return {why: `no container in this engine has the hostname ${given}: run hostname inside your own container`};
    if (c.image !== imageId) return {why: `container ${c.name} (hostname ${given}) is not from the alpine image`};
    if (!interactive(c)) return {why: `container ${c.name} (hostname ${given}) was started without -it: no shell to explore`};
    return {c};
  }
  const c = mine.filter(interactive).sort((a, b) => b.created.localeCompare(a.created))[0];
  return c ? {c} : {why: 'no container from the alpine image was started with -it'};
}

function judge(snapshot: Snapshot, params: Params, expected: string, rule: (c: ContainerSnapshot) => Verdict): Verdict {
  const {c, why} = explored(snapshot, params.imageId);
  return c ? rule(c) : fail(why!, expected, concept);
}

/** docker run -it alpine: a container of the image with a terminal and its input kept open. */
export const interactiveContainer = grader<Params>(schema, (snapshot, params) => {
  const expected = 'a container from the alpine image started with -i and -t (docker run -it alpine)';
  const mine = snapshot.engine.containers.filter((c) => c.image === params.imageId);
  const c = mine.find(interactive);
  if (c) return pass(`container ${c.name} (${short(c.id)}) runs ${[c.path, ...c.args].join(' ')} with a terminal and open input`, expected, concept, {containerId: c.id});
  if (mine.length === 0) return fail('no container from the alpine image yet', expected, concept);
  const x = mine[0];
  return fail(`container ${x.name} has ${x.tty ? '' : 'no terminal (-t)'}${!x.tty && !x.openStdin ? ' and ' : ''}${x.openStdin ? '' : 'no open input (-i)'}`, expected, concept, {containerId: x.id});
});

/** The hostname reported is the explored container's (its short ID, as the engine names it). */
export const hostnameReported = grader<Params>(schema, (snapshot, params) => {
  const expected = 'the hostname your own interactive alpine container shows (lab answer hostname …)';
  if (!snapshot.answers.hostname) return fail('no answer yet (lab answer hostname NAME)', expected, concept);
  return judge(snapshot, params, expected, (c) => pass(`${c.hostname} is the hostname of container ${c.name}`, expected, concept, {containerId: c.id}));
});

/** The address reported is one the explored container has on its network (read while it runs). */
export const addressReported = grader<Params>(schema, (snapshot, params) => {
  const expected = 'the IPv4 address of eth0 inside your container, as ip a shows it (lab answer ip …)';
  const given = snapshot.answers.ip?.trim().replace(/\/\d+$/, '');
  if (!given) return fail('no answer yet (lab answer ip ADDRESS)', expected, concept);
  return judge(snapshot, params, expected, (c) => {
    const has = c.ipAddresses ?? [];
    if (has.includes(given)) return pass(`${given} is container ${c.name}'s address`, expected, concept, {containerId: c.id, addresses: has});
    if (!c.state.running) return fail(`container ${c.name} is ${c.state.status}: a stopped container has no address (leave it with ctrl-p ctrl-q, not exit, and check while it runs)`, expected, concept, {containerId: c.id});
    if (given.startsWith('127.')) return fail(`${given} is the loopback address every namespace has: the container's own is on eth0`, expected, concept, {containerId: c.id});
    return fail(`${given} is not an address of container ${c.name} (it has ${has.join(', ') || 'none'}): that is another machine's or another container's`, expected, concept, {containerId: c.id, addresses: has});
  });
});

/** The shell's PID as ps inside shows it: its last NSpid, 1 in a pid namespace of its own. */
export const shellPidReported = grader<Params>(schema, (snapshot, params) => {
  const expected = 'the PID that ps inside the container shows for sh (lab answer shell-pid …)';
  const given = snapshot.answers['shell-pid']?.trim();
  if (!given) return fail('no answer yet (lab answer shell-pid PID)', expected, concept);
  return judge(snapshot, params, expected, (c) => {
    const nspid = c.process?.nspid ?? [];
    if (!c.state.running || nspid.length === 0) return fail(`container ${c.name} is ${c.state.status}: keep it running while you check`, expected, concept, {containerId: c.id});
    const inside = nspid[nspid.length - 1];
    if (Number(given) === inside) return pass(`sh is PID ${inside} inside container ${c.name} (PID ${nspid[0]} on the host)`, expected, concept, {containerId: c.id, nspid});
    if (Number(given) === nspid[0]) return fail(`${given} is the shell's PID on the host; ps inside the container numbers its processes from 1`, expected, concept, {containerId: c.id, nspid});
    return fail(`PID ${given} is not the shell's inside container ${c.name}`, expected, concept, {containerId: c.id, nspid});
  });
});

/** du's answer in KiB: a plain number is KiB (du's unit), or with K, M or G (du -h). */
export function sizeKb(text: string): number | undefined {
  const m = /^\s*([0-9]+(?:[.,][0-9]+)?)\s*([KMG])?(?:i?B)?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1].replace(',', '.'));
  const unit = (m[2] ?? 'K').toUpperCase();
  return n * {K: 1, M: 1024, G: 1024 * 1024}[unit]!;
}

/** The size du -s / shows inside, within a margin (du counts /dev and /etc/hosts too, and -h rounds). */
export const sizeReported = grader<Params>(schema, (snapshot, params) => {
  const expected = 'the size of the container\'s whole file system as du -sh / inside shows it (lab answer size …)';
  const given = snapshot.answers.size;
  if (!given) return fail('no answer yet (lab answer size 2.1M)', expected, concept);
  const kb = sizeKb(given);
  if (kb === undefined) return fail(`"${given}" is not a size: give du's number (KiB) or du -h's (2.1M)`, expected, concept);
  return judge(snapshot, params, expected, (c) => {
    if (c.diskKb === undefined) return fail(`the size of container ${c.name} could not be measured`, expected, concept, {containerId: c.id});
    const margin = Math.max(0.25 * c.diskKb, 256);
    const evidence = {containerId: c.id, diskKb: c.diskKb, answeredKb: Math.round(kb)};
    if (Math.abs(kb - c.diskKb) <= margin) return pass(`${given} matches container ${c.name}'s ${c.diskKb} KiB`, expected, concept, evidence);
    return fail(`${given} is ${Math.round(kb)} KiB, but container ${c.name}'s root file system holds ${c.diskKb} KiB${kb > 10 * c.diskKb ? ': that is the size of a bigger system, the host\'s?' : ''}`, expected, concept, evidence);
  });
});
