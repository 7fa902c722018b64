/**
 * Concept: Compose runs an application's services as containers of one project, on a network of the project's
 * own, where each service finds the others by name (the engine's DNS answers service names). Graded from the
 * labels Compose puts on its containers, their networks, and what the client service logged when it reached
 * the server by name.
 */
import type {ContainerSnapshot} from './snapshot.js';
import {fail, grader, pass, text} from './types.js';

const concept = 'docker-compose up starts every service of a project as a container labelled with the project and service, on the project\'s own network, where the engine\'s DNS answers each service\'s name with its address.';
const defaultNetworks = ['bridge', 'host', 'none'];
const project = (c: ContainerSnapshot) => c.labels?.['com.docker.compose.project'];
const service = (c: ContainerSnapshot) => c.labels?.['com.docker.compose.service'];

/** ping's first line, as busybox and iputils print it: PING name (address). */
function pinged(c: ContainerSnapshot): Array<{name: string; address: string}> {
  return c.logTail.flatMap((l) => {
    const m = /^PING (\S+) \(([0-9.]+)\)/.exec(l.trim());
    return m ? [{name: m[1], address: m[2]}] : [];
  });
}

/** Services `client` and `server` of one Compose project, running on a shared network, the client having reached the server by its name. */
export const servicesByName = grader<{client: string; server: string}>({
  type: 'object', additionalProperties: false, required: ['client', 'server'], properties: {client: text, server: text},
}, (snapshot, {client, server}) => {
  const expected = `services ${client} and ${server} of one Compose project running, on the project's network, ${client}'s log showing it reached ${server} by name (PING ${server} (ADDRESS))`;
  const running = snapshot.engine.containers.filter((c) => c.state.running);
  const clients = running.filter((c) => service(c) === client);
  const evidence = {containers: running.map((c) => ({name: c.name, project: project(c), service: service(c), networks: c.networks}))};
  if (clients.length === 0) {
    // A container named like the service on a network made for it: the same application, started by hand.
    const ownNetwork = (c: ContainerSnapshot) => Object.keys(c.networks ?? {}).some((n) => !defaultNetworks.includes(n));
    const byHand = running.find((c) => ownNetwork(c) && (c.name === client || c.name.endsWith(`_${client}`) || c.name.endsWith(`-${client}`)));
    if (byHand) return fail(`container ${byHand.name} runs, but Compose did not start it (it has no com.docker.compose.service label): docker-compose up does`, expected, concept, evidence);
    return fail(`no running container of a Compose service named ${client}`, expected, concept, evidence);
  }
  for (const c of clients) {
    const servers = running.filter((s) => service(s) === server && project(s) === project(c));
    if (servers.length === 0) return fail(`project ${project(c)} has no running ${server} service`, expected, concept, evidence);
    for (const s of servers) {
      const shared = Object.keys(c.networks ?? {}).filter((n) => s.networks?.[n] && !defaultNetworks.includes(n));
      if (shared.length === 0) continue;
      const addresses = new Set(shared.map((n) => s.networks![n].ip));
      const reached = pinged(c).find((p) => p.name === server && addresses.has(p.address));
      if (reached) return pass(`${c.name} reached ${server} by name: ${server} is ${reached.address}, ${s.name}'s address on ${shared.join(', ')}`, expected, concept, {...evidence, log: c.logTail.slice(-5)});
      const other = pinged(c)[0];
      if (other && other.name !== server) return fail(`${c.name} pinged ${other.name} (${other.address}), not ${server} by its name`, expected, concept, {...evidence, log: c.logTail.slice(-5)});
      return fail(`${c.name}'s log shows no PING ${server} (${[...addresses].join(' or ')}): ${c.logTail.at(-1) ?? 'the log is empty'}`, expected, concept, {...evidence, log: c.logTail.slice(-5)});
    }
    return fail(`${c.name} and ${servers[0].name} share no network of the project`, expected, concept, evidence);
  }
  return fail(`no ${client} service reached ${server}`, expected, concept, evidence);
});
