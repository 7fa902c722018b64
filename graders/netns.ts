/**
 * Concept: a network namespace starts with nothing but lo; a veth pair is a cable between two namespaces. One end
 * moved into the namespace of a process left running by `unshare --net`, both ends addressed and up, and the two
 * namespaces reach each other. Graded from the interfaces the kernel shows in each namespace.
 */
import type {NamespacedProcess, NetLink} from './snapshot.js';
import {fail, grader, pass, text} from './types.js';
import {byHand} from './unshare.js';

const concept = 'a new network namespace has only lo; a veth pair joins two namespaces: one end stays on the host, the other is moved in (ip link set END netns PID), and each end needs an address and to be up.';
const describe = (p: NamespacedProcess) => `${p.chain[0]?.comm ?? '?'} (pid ${p.pid})`;
const hasAddress = (l: NetLink, cidr: string) => l.addresses.includes(cidr);

/** A process by hand (unshare --net) whose namespace holds a veth end with `address`, its peer on the host with `hostAddress`, both up. */
export const vethIntoNamespace = grader<{address: string; hostAddress: string}>({
  type: 'object', additionalProperties: false, required: ['address', 'hostAddress'], properties: {address: text, hostAddress: text},
}, (snapshot, {address, hostAddress}) => {
  const expected = `a process left running by unshare --net whose network namespace holds a veth end with ${address}, up, and whose peer on the host has ${hostAddress}, up`;
  const host = snapshot.host.namespaces;
  const hostLinks = snapshot.host.links ?? [];
  // A namespace made by hand: not a container's, and not one joined with nsenter (that one was made by another).
  const containerNets = new Set(snapshot.engine.containers.flatMap((c) => (c.namespaces?.net ? [c.namespaces.net] : [])));
  const mine = byHand(snapshot).filter((p) => p.namespaces.net !== host.net && !containerNets.has(p.namespaces.net) && !p.chain.some((x) => x.comm === 'nsenter'));
  const evidence = (p?: NamespacedProcess) => ({process: p ? {pid: p.pid, net: p.namespaces.net, links: p.links} : undefined, host: hostLinks.filter((l) => l.kind === 'veth')});
  // The nearest miss explains best: a veth with the address first, then a namespace with a veth, then lo only.
  const rank = (p: NamespacedProcess) => ((p.links ?? []).some((l) => l.kind === 'veth' && hasAddress(l, address)) ? 2 : (p.links ?? []).some((l) => l.kind === 'veth') ? 1 : 0);
  const ranked = [...mine].sort((a, b) => rank(b) - rank(a));
  for (const p of ranked) {
    const inside = (p.links ?? []).find((l) => l.kind === 'veth' && hasAddress(l, address));
    const peer = inside ? hostLinks.find((l) => l.ifindex === inside.peerIndex && l.kind === 'veth') : undefined;
    if (inside && peer && inside.up && peer.up && hasAddress(peer, hostAddress)) {
      return pass(`${describe(p)} in ${p.namespaces.net}: ${inside.name} ${address} (up), its peer ${peer.name} on the host ${hostAddress} (up)`, expected, concept, evidence(p));
    }
  }
  const p = ranked[0];
  if (!p) {
    const onHost = hostLinks.find((l) => hasAddress(l, address));
    if (onHost) return fail(`${address} is on ${onHost.name} in the host's own network namespace: move that end into the new namespace (ip link set ${onHost.name} netns PID)`, expected, concept, evidence());
    return fail('no process outside the containers runs in a network namespace of its own (unshare --net ... &)', expected, concept, evidence());
  }
  const links = p.links ?? [];
  const veths = links.filter((l) => l.kind === 'veth');
  if (veths.length === 0) {
    const onHost = hostLinks.find((l) => hasAddress(l, address));
    const where = onHost ? `; ${address} is on ${onHost.name}, still in the host's namespace` : '';
    return fail(`${describe(p)}'s network namespace has only ${links.map((l) => l.name).join(', ') || 'no interface'}: no veth end was moved in${where}`, expected, concept, evidence(p));
  }
  const inside = veths.find((l) => hasAddress(l, address));
  if (!inside) return fail(`the veth end ${veths[0].name} in ${describe(p)}'s namespace has ${veths[0].addresses.join(', ') || 'no address'}, not ${address}`, expected, concept, evidence(p));
  if (!inside.up) return fail(`${inside.name} (${address}) in ${describe(p)}'s namespace is down: ip link set ${inside.name} up, inside the namespace`, expected, concept, evidence(p));
  const peer = hostLinks.find((l) => l.ifindex === inside.peerIndex);
  if (!peer) return fail(`the peer of ${inside.name} is not in the host's namespace`, expected, concept, evidence(p));
  if (!hasAddress(peer, hostAddress)) return fail(`the host's end ${peer.name} has ${peer.addresses.join(', ') || 'no address'}, not ${hostAddress}`, expected, concept, evidence(p));
  return fail(`the host's end ${peer.name} is down: ip link set ${peer.name} up`, expected, concept, evidence(p));
});
