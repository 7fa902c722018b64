/**
 * The JSON Schema of a results file as the gradebook accepts it. Each part carries a description, which is what an
 * error message says was expected there. Extra keys (Gradescope's visibility, tags, ...) are allowed.
 */
const points = {type: 'number', minimum: 0, description: 'a number of points, 0 or more'};
const text = (description: string, maxLength: number) => ({type: 'string', maxLength, description});

export const isoDateTime = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';

export const resultsSchema = {
  type: 'object',
  description: 'a results file: an object with score, tests and extra_data (as `lab submit` writes it)',
  required: ['score', 'tests', 'extra_data'],
  properties: {
    score: points,
    tests: {
      type: 'array',
      minItems: 1,
      maxItems: 2000,
      description: 'a list of at least one check',
      items: {
        type: 'object',
        description: 'a check: an object with name, score and max_score',
        required: ['name', 'score', 'max_score'],
        properties: {
          name: text('a check name (a string of up to 500 characters)', 500),
          score: points,
          max_score: points,
          status: {type: 'string', enum: ['passed', 'failed'], description: '"passed" or "failed"'},
          output: text('the check\'s output (a string of up to 100000 characters)', 100_000),
        },
      },
    },
    extra_data: {
      type: 'object',
      description: 'an object with lab, student, provider, submittedAt and maxScore',
      // submittedAt is required in validate.ts, unless handIn says the time is unknown.
      required: ['lab', 'student', 'provider', 'maxScore'],
      properties: {
        lab: {type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'a lab id (letters, digits, ".", "_" or "-", up to 64)'},
        student: {type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description: 'a student id (1 to 200 characters, no control characters)'},
        provider: {type: 'string', enum: ['local', 'qemu', 'libvirt', 'ssh', 'sandbox'], description: 'one of "local", "qemu", "libvirt", "ssh", "sandbox"'},
        submittedAt: {type: 'string', pattern: isoDateTime, description: 'a date and time in ISO 8601, e.g. "2025-03-01T12:00:00.000Z"'},
        maxScore: {type: 'number', exclusiveMinimum: 0, description: 'a number of points greater than 0'},
        source: {type: 'string', enum: ['self-submitted', 'collected', 'sandbox'], description: 'one of "self-submitted", "collected", "sandbox"'},
        kind: {type: 'string', enum: ['lab', 'homework'], description: '"lab" or "homework"'},
        checkedAt: {type: 'string', pattern: isoDateTime, description: 'a date and time in ISO 8601, e.g. "2025-03-01T12:00:00.000Z"'},
        handIn: {
          type: 'object',
          required: ['source'],
          description: 'an object with source ("lms-worksheet", "lms-download" or "unknown") and detail',
          properties: {
            source: {type: 'string', enum: ['lms-worksheet', 'lms-download', 'unknown'], description: 'one of "lms-worksheet", "lms-download", "unknown"'},
            detail: text('a word on where the time came from (a string of up to 1000 characters)', 1000),
          },
        },
      },
    },
    signature: {
      type: 'object',
      description: 'an object with algorithm "Ed25519", publicKey and value (base64)',
      required: ['algorithm', 'publicKey', 'value'],
      properties: {
        algorithm: {type: 'string', const: 'Ed25519', description: '"Ed25519"'},
        publicKey: {type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$', description: 'a raw Ed25519 public key in base64'},
        value: {type: 'string', pattern: '^[A-Za-z0-9+/]{86}==$', description: 'an Ed25519 signature in base64'},
      },
    },
  },
} as const;
