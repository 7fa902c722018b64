/** JSON Schema of an exercise definition (exercises/<lab>/lab.json). */
const localized = {type: 'object', required: ['en'], additionalProperties: {type: 'string', minLength: 1}, propertyNames: {pattern: '^[a-z]{2}$'}} as const;
const relPath = {type: 'string', pattern: '^(?!/)(?!.*\\.\\.)[A-Za-z0-9._/-]+$'} as const;
const id = {type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$'} as const;

export const exerciseSchema = {
  type: 'object',
  required: ['id', 'title', 'locales', 'steps'],
  additionalProperties: false,
  properties: {
    $schema: {type: 'string'},
    id: {type: 'string', pattern: '^[a-z0-9-]+$'},
    title: localized,
    source: {type: 'string'},
    locales: {type: 'array', items: {type: 'string', pattern: '^[a-z]{2}$'}, minItems: 1, uniqueItems: true},
    files: {type: 'array', items: {type: 'object', required: ['from', 'to'], additionalProperties: false, properties: {from: relPath, to: relPath, mode: {type: 'string', pattern: '^0?[0-7]{3,4}$'}}}},
    images: {
      type: 'array',
      items: {
        type: 'object', required: ['recipe'], additionalProperties: false,
        properties: {recipe: id, load: {type: 'boolean'}, saveAs: relPath},
      },
    },
    // Ends what steps leave running outside the engine (processes started by hand); the self-test runs it last.
    cleanup: relPath,
    // lab destroy runs the cleanup too where the machine stays (local, ssh): for what the lab itself set up at start.
    cleanupOnDestroy: {type: 'boolean'},
    // Run once in the VM image's root as it is built (chroot, cwd the exercise dir): work every start would repeat.
    imageBuild: relPath,
    prepare: {type: 'array', items: {type: 'object', required: ['script'], additionalProperties: false, properties: {script: relPath, description: {type: 'string'}, needsEngine: {type: 'boolean'}}}},
    // Per-session values ({{params.x}} in texts and check params, $LAB_PARAM_X in scripts): fixed, random, or the self-test's own.
    params: {
      type: 'object', propertyNames: {pattern: '^[a-z][A-Za-z0-9]*$'},
      additionalProperties: {
        type: 'object', additionalProperties: false,
        properties: {value: {type: 'string'}, random: {enum: ['hex', 'octet']}, length: {type: 'integer', minimum: 4, maximum: 32}, selfTest: {type: 'string', minLength: 1}, description: {type: 'string'}},
      },
    },
    // The engine runs as a service whose flags come from an options file (DOCKER_OPTS), so `lab engine restart` re-reads it.
    service: {
      type: 'object', required: ['optionsFile', 'opts'], additionalProperties: false,
      properties: {optionsFile: {type: 'string', pattern: '^/'}, opts: {type: 'string', minLength: 1}},
    },
    watch: {
      type: 'object', additionalProperties: false,
      properties: {
        ...Object.fromEntries(['hostFiles', 'imagePaths', 'containerPaths', 'contains', 'dirs', 'registryRepos'].map((k) => [k, {type: 'array', items: {type: 'string', minLength: 1}}])),
        mounts: {type: 'boolean'},
        processes: {type: 'boolean'},
        namespacedProcesses: {type: 'boolean'},
        cgroups: {type: 'boolean'},
        capabilities: {type: 'boolean'},
        sizes: {type: 'boolean'},
        postgres: {type: 'boolean'},
        audit: {type: 'object', required: ['key'], additionalProperties: false, properties: {key: {type: 'string', minLength: 1}}},
        daemon: {
          type: 'object', required: ['pidfile', 'configFile', 'tcpPort'], additionalProperties: false,
          properties: {pidfile: {type: 'string'}, configFile: {type: 'string'}, optionsFile: {type: 'string'}, tcpPort: {type: 'string'}},
        },
      },
    },
    steps: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['id', 'title', 'concept', 'checks', 'solve'], additionalProperties: false,
        properties: {
          id,
          title: localized,
          concept: localized,
          checks: {
            type: 'array', minItems: 1,
            items: {
              type: 'object', required: ['id', 'grader'], additionalProperties: false,
              properties: {
                id,
                grader: {type: 'string', pattern: '^[a-z]+\\.[A-Za-z]+$'},
                // Checked against the grader's own schema when the lab loads (check-params.ts).
                params: {type: 'object'},
                weight: {type: 'number', exclusiveMinimum: 0},
                // A guard holds from the start (the host is untouched...): credited only with the step's other checks.
                guard: {type: 'boolean'},
                hints: {type: 'array', items: localized},
              },
            },
          },
          question: {
            type: 'object', required: ['choices'], additionalProperties: false,
            properties: {choices: {type: 'object', additionalProperties: localized, propertyNames: {pattern: '^[a-z]$'}}},
          },
          // Free-form answers (`lab answer KEY VALUE...`), each checked against the real state by a grader.
          answers: {
            type: 'object', propertyNames: {pattern: '^[a-z0-9][a-z0-9-]*$'},
            additionalProperties: {type: 'object', required: ['pattern'], additionalProperties: false, properties: {pattern: {type: 'string'}, example: {type: 'string'}}},
          },
          solve: relPath,
          mutations: {
            type: 'array',
            items: {
              type: 'object', required: ['id', 'script', 'rejects'], additionalProperties: false,
              properties: {id, script: relPath, undo: relPath, rejects: {type: 'array', items: id, minItems: 1}, description: {type: 'string'}},
            },
          },
        },
      },
    },
  },
} as const;
