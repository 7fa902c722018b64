/**
 * Concept: the daemon is a server. It listens where its configuration says — the unix socket the docker CLI uses,
 * and TCP if asked — and a directive may come from the service's flags (DOCKER_OPTS) or daemon.json, never both.
 * Checked three ways that must agree: the configuration files, the kernel's socket table crossed with the daemon
 * process's open files, and an API answer on the port. An API without TLS beyond loopback is root for anyone.
 */
import type {JSONSchemaType} from 'ajv';
import {parseServiceOptions} from '../src/common/service-options.js';
import {isLoopbackAddress, isLoopbackName} from './addresses.js';
import type {DaemonSnapshot, Snapshot} from './snapshot.js';
import {fail, grader, pass, type Verdict} from './types.js';

const concept = 'dockerd (here labd) listens on every address in "hosts" (daemon.json) or -H (its flags); the docker CLI is just a client of that API.';
const exposed = 'An Engine API reachable beyond loopback without TLS gives anyone who can connect root on this machine (docker run -v /:/host ...). Listen on 127.0.0.1 only, or protect TCP with --tlsverify.';

function insecure(v: Verdict): Verdict {
  v.warning = exposed;
  return v;
}

const tcpHost = (h: string) => /^tcp:\/\/(\[[^\]]*\]|[^:/]*)(?::(\d+))?/.exec(h);

function daemonOf(snapshot: Snapshot): DaemonSnapshot | undefined {
  return snapshot.daemon;
}

/** The TCP port the step asks the daemon to listen on. */
interface PortParams {
  port: number;
}
const portParams: JSONSchemaType<PortParams> = {type: 'object', additionalProperties: false, required: ['port'], properties: {port: {type: 'integer', minimum: 1, maximum: 65535}}};

/** Whether daemon.json turns TLS on for the TCP API (then beyond loopback is a choice, not an exposure). */
function tlsConfigured(d: DaemonSnapshot | undefined): boolean {
  try {
    const c = JSON.parse(d?.configFile.text ?? '{}') as {tls?: boolean; tlsverify?: boolean; tlscert?: string; tlskey?: string};
    return Boolean(c.tlsverify || c.tls || (c.tlscert && c.tlskey));
  } catch {
    return false;
  }
}

/** daemon.json has a unix socket and tcp on loopback at the port in "hosts"; DOCKER_OPTS no longer has -H. */
export const configured = grader<PortParams>(portParams, (snapshot, {port}) => {
  const d = daemonOf(snapshot);
  const file = d?.configFile.path ?? 'daemon.json';
  const expected = `${file} with "hosts" holding the unix socket and tcp://127.0.0.1:${port}, and no -H left in DOCKER_OPTS`;
  if (!d?.configFile.text) return fail(`${file} ${d?.configFile.error ?? 'is not readable'}`, expected, concept);
  let config: {hosts?: unknown};
  try {
    config = JSON.parse(d.configFile.text) as {hosts?: unknown};
  } catch (error) {
    return fail(`${file} is not valid JSON: ${(error as Error).message}`, expected, concept);
  }
  const hosts = Array.isArray(config.hosts) ? config.hosts.map(String) : [];
  const evidence: Record<string, unknown> = {hosts};
  if (d.optionsFile?.text !== undefined) {
    const argv = parseServiceOptions(d.optionsFile.path, d.optionsFile.text).argv;
    evidence.dockerOpts = argv;
    if (argv.some((a) => a === '-H' || a.startsWith('-H') || a === '--host' || a.startsWith('--host='))) {
      return fail(hosts.length
        ? `DOCKER_OPTS in ${d.optionsFile.path} still sets -H, and daemon.json sets "hosts": the daemon refuses to start with both`
        : `the addresses are still flags (-H in DOCKER_OPTS in ${d.optionsFile.path}): this step asks for them in daemon.json's "hosts"`, expected, concept, evidence);
    }
  }
  if (hosts.length === 0) return fail(`${file} has no "hosts"`, expected, concept, evidence);
  const tcp = hosts.map((h) => ({h, m: tcpHost(h)})).filter((x) => x.m);
  const open = tcp.find((x) => !isLoopbackName(x.m![1] || '0.0.0.0'));
  if (open && tlsConfigured(d)) return fail(`"hosts" has ${open.h} (with TLS): beyond loopback, where this step asks for localhost`, expected, concept, evidence);
  if (open) return insecure(fail(`"hosts" has ${open.h}: the API would be open to the network, without TLS`, expected, concept, evidence));
  if (!tcp.some((x) => Number(x.m![2] ?? 2375) === port)) return fail(`"hosts" is ${JSON.stringify(hosts)}: nothing on tcp port ${port}`, expected, concept, evidence);
  if (!hosts.some((h) => h.startsWith('unix://'))) return fail(`"hosts" is ${JSON.stringify(hosts)}: the unix socket is gone, so the docker CLI (and lab check) cannot reach the daemon the usual way`, expected, concept, evidence);
  return pass(`"hosts": ${JSON.stringify(hosts)}; the flags no longer set -H`, expected, concept, evidence);
});

/** The kernel shows a listening TCP socket on the port, loopback only, and it is one of the daemon's open files. */
export const listening = grader<PortParams>(portParams, (snapshot, {port}) => {
  const d = daemonOf(snapshot);
  const expected = `the daemon process itself listening on 127.0.0.1:${port} (and nowhere beyond loopback)`;
  const sockConcept = 'the kernel\'s socket table (/proc/net/tcp) names the listening socket by inode; /proc/<pid>/fd of the daemon shows whether it is the daemon\'s.';
  if (!d?.pid) return fail(`the daemon is not running (${d?.pidError ?? 'no pidfile'})`, expected, sockConcept);
  const onPort = d.listeners.filter((l) => l.port === port);
  const evidence = {daemonPid: d.pid, listeners: d.listeners};
  const openOwn = d.listeners.find((l) => l.ownedByDaemon && !isLoopbackAddress(l.address));
  if (openOwn && tlsConfigured(d)) return fail(`the daemon (pid ${d.pid}) listens on ${openOwn.address}:${openOwn.port} (with TLS): beyond loopback, where this step asks for 127.0.0.1`, expected, sockConcept, evidence);
  if (openOwn) return insecure(fail(`the daemon (pid ${d.pid}) listens on ${openOwn.address}:${openOwn.port}: reachable from the network, without TLS`, expected, sockConcept, evidence));
  if (onPort.length === 0) return fail(`nothing listens on TCP port ${port}`, expected, sockConcept, evidence);
  const own = onPort.filter((l) => l.ownedByDaemon);
  if (own.length === 0) return fail(`something listens on port ${port} (${onPort.map((l) => l.address).join(', ')}), but it is not the daemon (pid ${d.pid}): the socket is not among its open files`, expected, sockConcept, evidence);
  return pass(`${d.comm ?? 'the daemon'} (pid ${d.pid}) listens on ${own.map((l) => `${l.address}:${l.port}`).join(', ')} (socket inode ${own[0].inode} in /proc/${d.pid}/fd)`, expected, sockConcept, evidence);
});

/** GET /version over TCP on the port answers as the Engine API. */
export const apiAnswers = grader<PortParams>(portParams, (snapshot, {port}) => {
  const api = daemonOf(snapshot)?.api;
  const expected = `GET http://127.0.0.1:${port}/version answered by the Engine API (as docker -H tcp://127.0.0.1:${port} version does)`;
  const apiConcept = 'over TCP the same HTTP API answers as over the unix socket: docker -H tcp://... is just another way in.';
  if (!api) return fail(`nothing listens on port ${port} to ask`, expected, apiConcept);
  if (!api.ok) return fail(`GET /version on port ${port}: ${api.error}`, expected, apiConcept);
  return pass(`GET /version on port ${port}: API version ${api.apiVersion}`, expected, apiConcept, {apiVersion: api.apiVersion});
});
