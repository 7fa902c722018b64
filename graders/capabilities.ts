/**
 * Concept: root in a container holds only the capabilities the engine leaves it. CapEff in /proc/<pid>/status
 * is a bit mask (bit n = capability n of capabilities(7)); --cap-drop clears bits, --cap-add sets them, and an
 * operation needing a missing one (ip link add needs CAP_NET_ADMIN) fails with "Operation not permitted".
 */
import type {ContainerSnapshot} from './snapshot.js';
import {fail, grader, pass, text} from './types.js';

/** capabilities(7), by bit number. */
export const capabilityNames = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT',
  'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE',
  'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ',
  'PERFMON', 'BPF', 'CHECKPOINT_RESTORE',
];

/** The names of the bits set in a CapEff mask. */
export function decodeCapEff(hex: string): string[] {
  const mask = BigInt(`0x${hex}`);
  return capabilityNames.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

const short = (id: string) => id.slice(0, 12);
const concept = 'CapEff is a bit mask of the capabilities a process holds; --cap-drop and --cap-add decide which bits a container\'s root keeps.';
const withCaps = (containers: ContainerSnapshot[]) => containers.filter((c) => c.state.running && c.capEff !== undefined);
const listed = (names: string[]) => (names.length ? names.join(', ') : 'none');
const empty = {type: 'object', additionalProperties: false, properties: {}, required: []} as const;

/** A running container holding no capability at all (--cap-drop ALL). */
export const noneLeft = grader<Record<string, never>>(empty, (snapshot) => {
  const expected = 'a running container whose CapEff is 0000000000000000 (docker run --cap-drop ALL)';
  const running = withCaps(snapshot.engine.containers);
  const none = running.find((c) => BigInt(`0x${c.capEff}`) === 0n);
  if (none) return pass(`container ${short(none.id)} (${none.name}): CapEff ${none.capEff}`, expected, concept, {containerId: none.id, capEff: none.capEff});
  if (running.length === 0) return fail('no running container', expected, concept);
  const fewest = [...running].sort((a, b) => decodeCapEff(a.capEff!).length - decodeCapEff(b.capEff!).length)[0];
  const names = decodeCapEff(fewest.capEff!);
  return fail(`container ${short(fewest.id)} (${fewest.name}) still holds ${names.length} capabilities (CapEff ${fewest.capEff}: ${listed(names)})`, expected, concept, {containerId: fewest.id, capEff: fewest.capEff});
});

/** A running container holding only CAP_NET_ADMIN that added a link (ip link add) to its network namespace. */
export const onlyNetAdmin = grader<{link: string}>({type: 'object', additionalProperties: false, required: ['link'], properties: {link: text}}, (snapshot, {link}) => {
  const expected = `a running container holding CAP_NET_ADMIN alone (--cap-drop ALL --cap-add NET_ADMIN) whose network namespace has the link ${link} it added`;
  const running = withCaps(snapshot.engine.containers);
  const netAdmin = running.filter((c) => decodeCapEff(c.capEff!).includes('NET_ADMIN'));
  const alone = netAdmin.filter((c) => decodeCapEff(c.capEff!).length === 1);
  const good = alone.find((c) => c.links?.includes(link));
  const evidence = (c?: ContainerSnapshot) => (c ? {containerId: c.id, capEff: c.capEff, links: c.links} : {});
  if (good) return pass(`container ${short(good.id)} (${good.name}): CapEff ${good.capEff} = NET_ADMIN; links ${good.links!.join(', ')}`, expected, concept, evidence(good));
  if (alone[0]) return fail(`container ${short(alone[0].id)} (${alone[0].name}) holds NET_ADMIN alone, but its network has no ${link} (links: ${alone[0].links?.join(', ') ?? '?'})`, expected, concept, evidence(alone[0]));
  if (netAdmin[0]) {
    const names = decodeCapEff(netAdmin[0].capEff!);
    return fail(`container ${short(netAdmin[0].id)} (${netAdmin[0].name}) holds NET_ADMIN and ${names.length - 1} more (${listed(names.filter((n) => n !== 'NET_ADMIN'))}): drop the rest first`, expected, concept, evidence(netAdmin[0]));
  }
  return fail(running.length ? 'no running container holds CAP_NET_ADMIN' : 'no running container', expected, concept);
});

/** The answer lists the capabilities a container started with the engine's defaults holds, decoded from its CapEff. */
export const decodedDefaults = grader<{answer: string}>({type: 'object', additionalProperties: false, required: ['answer'], properties: {answer: text}}, (snapshot, {answer}) => {
  const expected = `the names of the capabilities in the CapEff of a running container started without --cap-add/--cap-drop (lab answer ${answer} NAME...)`;
  const given = snapshot.answers[answer];
  if (!given) return fail(`no answer yet (lab answer ${answer} NAME...)`, expected, concept);
  const names = new Set(given.toUpperCase().split(/[\s,]+/).filter(Boolean).map((n) => n.replace(/^CAP_/, '')));
  const defaults = snapshot.engine.containers.filter((c) => c.state.running && c.capEff !== undefined && !c.capsChanged);
  const masks = [...new Set(defaults.map((c) => c.capEff!))];
  for (const mask of masks) {
    const real = decodeCapEff(mask);
    if (real.length === names.size && real.every((n) => names.has(n))) return pass(`${real.length} capabilities, CapEff ${mask}`, expected, concept, {capEff: mask, given});
  }
  const real = masks[0] ? decodeCapEff(masks[0]) : [];
  const evidence = {capEff: masks[0], given};
  if (!masks[0]) return fail('no running container with the default capabilities to compare with', expected, concept, evidence);
  const missing = real.filter((n) => !names.has(n));
  const extra = [...names].filter((n) => !real.includes(n));
  return fail(`${missing.length} of CapEff ${masks[0]}'s capabilities missing${extra.length ? `, and ${extra.join(', ')} not in it` : ''}`, expected, concept, evidence);
});
