/**
 * JSON Schema of daemon.json: the dockerd keys this engine honours. Unknown keys are errors, as with dockerd,
 * so a typo never silently does nothing.
 */
export const daemonConfigSchema = {
  $id: 'https://lab.invalid/schemas/daemon.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    hosts: {type: 'array', items: {type: 'string', pattern: '^(unix|tcp)://'}, uniqueItems: true},
    'data-root': {type: 'string', minLength: 1, pattern: '^/'},
    'exec-root': {type: 'string', minLength: 1, pattern: '^/'},
    pidfile: {type: 'string', minLength: 1, pattern: '^/'},
    'log-level': {enum: ['debug', 'info', 'warn', 'error', 'fatal']},
    debug: {type: 'boolean'},
    group: {type: 'string', minLength: 1},
    tls: {type: 'boolean'},
    tlsverify: {type: 'boolean'},
    tlscacert: {type: 'string', minLength: 1},
    tlscert: {type: 'string', minLength: 1},
    tlskey: {type: 'string', minLength: 1},
    'storage-driver': {const: 'overlay2'},
    'default-runtime': {const: 'runc'},
    labels: {type: 'array', items: {type: 'string', pattern: '^[^=]+=.*$'}},
    experimental: {type: 'boolean'},
    'live-restore': {type: 'boolean'},
    'insecure-registries': {type: 'array', items: {type: 'string'}},
    'registry-mirrors': {type: 'array', items: {type: 'string'}},
    bip: {type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+$'},
    // Where networks made without a --subnet (and the default bridge, when no bip is set) take their subnets.
    'default-address-pools': {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['base', 'size'],
        additionalProperties: false,
        properties: {base: {type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+$'}, size: {type: 'integer', minimum: 1, maximum: 30}},
      },
    },
    // The default network's Linux bridge device (Docker: an existing bridge; here it is made when missing).
    bridge: {type: 'string', pattern: '^[A-Za-z0-9_.-]{1,15}$'},
    // Where published ports listen when -p gives no address.
    ip: {type: 'string', pattern: '^(\\d+\\.\\d+\\.\\d+\\.\\d+|[0-9a-fA-F:]+)$'},
    'default-ulimits': {type: 'object'},
    'log-driver': {enum: ['json-file', 'none']},
    'log-opts': {type: 'object', additionalProperties: {type: 'string'}},
    'max-concurrent-downloads': {type: 'integer', minimum: 1},
    'max-concurrent-uploads': {type: 'integer', minimum: 1},
    // Engine-specific: where per-registry CAs and client certificates live (dockerd: /etc/docker/certs.d).
    'registry-certs-dir': {type: 'string', minLength: 1, pattern: '^/'},
    // Engine-specific: permit TCP beyond loopback without TLS (a lab that teaches why this is dangerous).
    'allow-insecure-tcp': {type: 'boolean'},
    // Engine-specific: permit binding /, the data-root or the exec-root into containers (Docker always does).
    'allow-dangerous-binds': {type: 'boolean'},
    // The cgroup every container's cgroup is made under (dockerd's cgroup-parent, cgroupfs driver).
    'cgroup-parent': {type: 'string', minLength: 1},
    // "builtin", "unconfined" or the path of a profile in Docker's format: containers that ask for none get it.
    'seccomp-profile': {type: 'string', minLength: 1},
  },
} as const;

export interface DaemonConfigFile {
  hosts?: string[];
  'data-root'?: string;
  'exec-root'?: string;
  'cgroup-parent'?: string;
  'log-driver'?: 'json-file' | 'none';
  'seccomp-profile'?: string;
  'log-opts'?: Record<string, string>;
  pidfile?: string;
  'log-level'?: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  debug?: boolean;
  group?: string;
  tls?: boolean;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  labels?: string[];
  experimental?: boolean;
  'live-restore'?: boolean;
  'allow-insecure-tcp'?: boolean;
  'allow-dangerous-binds'?: boolean;
  'insecure-registries'?: string[];
  'registry-mirrors'?: string[];
  'max-concurrent-downloads'?: number;
  'max-concurrent-uploads'?: number;
  'registry-certs-dir'?: string;
  bip?: string;
  'default-address-pools'?: Array<{base: string; size: number}>;
  bridge?: string;
  ip?: string;
  [key: string]: unknown;
}
