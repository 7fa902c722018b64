/** JSON Schema of a homework definition (exercises/<lab>/homework.json). */
const localized = {type: 'object', required: ['en'], additionalProperties: {type: 'string', minLength: 1}, propertyNames: {pattern: '^[a-z]{2}$'}} as const;
const positive = (maximum: number) => ({type: 'integer', minimum: 1, maximum}) as const;
const text = {type: 'string', maxLength: 1024 * 1024} as const;

/** A case's expected standard output: exactly one of exact, contains, regex. */
const expectation = {
  type: 'object', minProperties: 1, maxProperties: 1, additionalProperties: false,
  properties: {exact: text, contains: {type: 'string', minLength: 1}, regex: {type: 'string', minLength: 1, format: 'regex'}},
} as const;

const testCase = {
  type: 'object', required: ['name'], additionalProperties: false,
  properties: {
    name: {type: 'string', minLength: 1, maxLength: 200},
    args: {type: 'array', maxItems: 256, items: {type: 'string', maxLength: 4096}},
    stdin: text,
    stdout: expectation,
    exitCode: {type: 'integer', minimum: 0, maximum: 255},
  },
} as const;

const needs = (kind: string, key: string) => ({if: {properties: {kind: {const: kind}}, required: ['kind']}, then: {required: [key]}}) as const;

export const homeworkSchema = {
  type: 'object',
  required: ['lab', 'title', 'task', 'limits', 'checks'],
  additionalProperties: false,
  properties: {
    $schema: {type: 'string'},
    lab: {type: 'string', pattern: '^[a-z0-9-]+$'},
    title: localized,
    task: localized,
    limits: {
      type: 'object',
      required: ['buildTimeoutSeconds', 'runTimeoutSeconds', 'memoryMb', 'pids', 'imageSizeMaxKb', 'submissionMaxKb'],
      additionalProperties: false,
      properties: {
        buildTimeoutSeconds: positive(3600),
        runTimeoutSeconds: positive(600),
        // Below 6 MiB runc cannot start a container at all.
        memoryMb: {type: 'integer', minimum: 6, maximum: 65536},
        pids: positive(4096),
        imageSizeMaxKb: positive(10 * 1024 * 1024),
        submissionMaxKb: positive(1024 * 1024),
        submissionMaxFiles: positive(100_000),
        fileMaxKb: positive(1024 * 1024),
        outputMaxBytes: {type: 'integer', minimum: 256, maximum: 1024 * 1024},
      },
    },
    // Base images a submission may build FROM, made from this package's recipes and loaded into the sandbox.
    images: {type: 'array', uniqueItems: true, items: {type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$'}},
    run: {
      type: 'object', required: ['expectStdout'], additionalProperties: false,
      properties: {expectStdout: {type: 'string', minLength: 1}, exitCode: {type: 'integer', minimum: 0, maximum: 255}},
    },
    checks: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['id', 'kind', 'weight', 'title'], additionalProperties: false,
        properties: {
          id: {type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$'},
          kind: {enum: ['submission-safe', 'builds', 'no-base', 'static-entrypoint', 'runs', 'image-size', 'cases', 'source']},
          weight: {type: 'number', exclusiveMinimum: 0},
          title: localized,
          cases: {type: 'array', minItems: 1, maxItems: 100, items: testCase},
          files: {type: 'array', minItems: 1, items: {type: 'string', pattern: '^[^/\\\\][^\\\\]*$', not: {pattern: '(^|/)\\.\\.(/|$)'}}},
          pattern: {type: 'string', minLength: 1, format: 'regex'},
        },
        allOf: [needs('cases', 'cases'), needs('source', 'files')],
      },
    },
  },
} as const;
