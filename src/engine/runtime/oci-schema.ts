/**
 * JSON Schema for the OCI runtime config (config.json) this engine writes, following the runtime-spec's
 * config.md and config-linux.md for every field we set. Validated before runc sees a bundle, so a bug in
 * generation is a clear engine error rather than a cryptic runtime failure.
 */
const stringArray = {type: 'array', items: {type: 'string'}} as const;
const uint32 = {type: 'integer', minimum: 0, maximum: 4294967295} as const;
const path = {type: 'string', pattern: '^/'} as const;

// config-linux.md, "Seccomp": the actions, operators and architectures runc passes on to libseccomp.
const seccompAction = {enum: ['SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY']} as const;
const seccompSchema = {
  type: 'object', required: ['defaultAction'], additionalProperties: false,
  properties: {
    defaultAction: seccompAction,
    defaultErrnoRet: uint32,
    architectures: {type: 'array', items: {type: 'string', pattern: '^SCMP_ARCH_[A-Z0-9_]+$'}},
    flags: {type: 'array', items: {enum: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']}},
    listenerPath: path,
    listenerMetadata: {type: 'string'},
    syscalls: {
      type: 'array',
      items: {
        type: 'object', required: ['names', 'action'], additionalProperties: false,
        properties: {
          names: {type: 'array', minItems: 1, items: {type: 'string', minLength: 1}},
          action: seccompAction,
          errnoRet: uint32,
          args: {
            type: 'array',
            items: {
              type: 'object', required: ['index', 'value', 'op'], additionalProperties: false,
              properties: {
                index: {type: 'integer', minimum: 0, maximum: 5},
                value: {type: 'integer', minimum: 0},
                valueTwo: {type: 'integer', minimum: 0},
                op: {enum: ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ']},
              },
            },
          },
        },
      },
    },
  },
} as const;

export const ociConfigSchema = {
  type: 'object',
  required: ['ociVersion', 'root', 'process', 'linux'],
  additionalProperties: false,
  properties: {
    ociVersion: {type: 'string', pattern: '^1\\.\\d+\\.\\d+'},
    hostname: {type: 'string'},
    domainname: {type: 'string'},
    root: {
      type: 'object', required: ['path'], additionalProperties: false,
      properties: {path: {type: 'string', minLength: 1}, readonly: {type: 'boolean'}},
    },
    process: {
      type: 'object', required: ['cwd', 'args', 'user'], additionalProperties: false,
      properties: {
        terminal: {type: 'boolean'},
        consoleSize: {type: 'object', required: ['height', 'width'], additionalProperties: false, properties: {height: uint32, width: uint32}},
        user: {
          type: 'object', required: ['uid', 'gid'], additionalProperties: false,
          properties: {uid: uint32, gid: uint32, umask: uint32, additionalGids: {type: 'array', items: uint32}},
        },
        args: {...stringArray, minItems: 1},
        env: {type: 'array', items: {type: 'string', pattern: '^[^=]+=.*$'}},
        cwd: path,
        capabilities: {
          type: 'object', additionalProperties: false,
          properties: Object.fromEntries(['bounding', 'effective', 'inheritable', 'permitted', 'ambient'].map((k) => [k, {type: 'array', items: {type: 'string', pattern: '^CAP_[A-Z_]+$'}}])),
        },
        rlimits: {
          type: 'array',
          items: {type: 'object', required: ['type', 'soft', 'hard'], additionalProperties: false, properties: {type: {type: 'string', pattern: '^RLIMIT_[A-Z]+$'}, soft: {type: 'integer', minimum: 0}, hard: {type: 'integer', minimum: 0}}},
        },
        noNewPrivileges: {type: 'boolean'},
        oomScoreAdj: {type: 'integer', minimum: -1000, maximum: 1000},
        apparmorProfile: {type: 'string'},
        selinuxLabel: {type: 'string'},
      },
    },
    mounts: {
      type: 'array',
      items: {
        type: 'object', required: ['destination'], additionalProperties: false,
        properties: {destination: path, source: {type: 'string'}, type: {type: 'string'}, options: stringArray},
      },
    },
    hooks: {type: 'object'},
    annotations: {type: 'object', additionalProperties: {type: 'string'}},
    linux: {
      type: 'object', additionalProperties: false,
      properties: {
        namespaces: {
          type: 'array',
          items: {
            type: 'object', required: ['type'], additionalProperties: false,
            properties: {type: {enum: ['pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup', 'time']}, path: {type: 'string'}},
          },
        },
        uidMappings: {type: 'array'},
        gidMappings: {type: 'array'},
        devices: {type: 'array'},
        cgroupsPath: {type: 'string'},
        resources: {
          type: 'object', additionalProperties: false,
          properties: {
            devices: {
              type: 'array',
              items: {
                type: 'object', required: ['allow'], additionalProperties: false,
                properties: {allow: {type: 'boolean'}, type: {enum: ['a', 'b', 'c']}, major: {type: 'integer'}, minor: {type: 'integer'}, access: {type: 'string', pattern: '^[rwm]*$'}},
              },
            },
            memory: {type: 'object', properties: {limit: {type: 'integer'}, reservation: {type: 'integer'}, swap: {type: 'integer'}, disableOOMKiller: {type: 'boolean'}}},
            cpu: {type: 'object', properties: {shares: {type: 'integer'}, quota: {type: 'integer'}, period: {type: 'integer'}, cpus: {type: 'string'}, mems: {type: 'string'}}},
            pids: {type: 'object', required: ['limit'], properties: {limit: {type: 'integer'}}},
            blockIO: {type: 'object'},
            hugepageLimits: {type: 'array'},
            network: {type: 'object'},
            unified: {type: 'object', additionalProperties: {type: 'string'}},
          },
        },
        sysctl: {type: 'object', additionalProperties: {type: 'string'}},
        seccomp: seccompSchema,
        rootfsPropagation: {enum: ['private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared', 'unbindable', 'runbindable']},
        maskedPaths: {type: 'array', items: path},
        readonlyPaths: {type: 'array', items: path},
        mountLabel: {type: 'string'},
      },
    },
  },
} as const;
