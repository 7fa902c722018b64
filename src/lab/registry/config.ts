/**
 * The configuration file of Debian's docker-registry (distribution 2.8) for the course registry: filesystem
 * storage under the lab's data dir, loopback only, no auth (it serves the course's public images), deletes
 * allowed so a rebuilt image replaces the old one cleanly.
 */
export interface RegistryConfigOptions {
  storageDir: string;
  port: number;
}

/** YAML is a superset of JSON: writing JSON keeps the file exact without a YAML library. */
export function registryConfig(opts: RegistryConfigOptions): string {
  const config = {
    version: 0.1,
    // No access log: the engine's pulls would fill the disk of a long-running lab VM.
    log: {level: 'warn', formatter: 'text', accesslog: {disabled: true}, fields: {service: 'lab-course-registry'}},
    storage: {filesystem: {rootdirectory: opts.storageDir}, delete: {enabled: true}, cache: {blobdescriptor: 'inmemory'}},
    http: {addr: `127.0.0.1:${opts.port}`, headers: {'X-Content-Type-Options': ['nosniff']}},
    health: {storagedriver: {enabled: true, interval: '10s', threshold: 3}},
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
