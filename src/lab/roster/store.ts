/** The roster file (roster.json): written by `lab class import`, read by `lab grades` and `lab grades collect`. */
import {readFileSync} from 'node:fs';
import {Ajv} from 'ajv';
import {writeFileAtomic} from '../../engine/util/fs-atomic.js';
import {parseStrictJson} from '../../common/strict-json.js';
import {toJsonPath} from '../../debian-images/recipe/load.js';
import {type Roster, RosterError, type RosterStudent} from './types.js';

const text = {type: 'string', minLength: 1};
const rosterSchema = {
  type: 'object',
  required: ['format', 'importedFrom', 'students'],
  properties: {
    format: {enum: ['moodle', 'canvas', 'plain']},
    importedFrom: {type: 'string'},
    students: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name'],
        additionalProperties: false,
        properties: {id: text, name: {type: 'string'}, email: text, username: text, idNumber: text, lmsId: text, section: text, host: text, dir: text, sshKey: {type: 'string', pattern: '^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+) [A-Za-z0-9+/]+={0,3}( [^\\n]*)?$'}, vm: {type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}},
      },
    },
  },
} as const;

let validate: ReturnType<Ajv['compile']> | undefined;

export function loadRoster(file: string): Roster {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RosterError(`${file}: ${(error as Error).message} (make one with: lab class import EXPORT.csv)`);
  }
  const data = parseStrictJson(raw, (m) => new RosterError(`${file}: ${m}`));
  validate ??= new Ajv({strict: true}).compile(rosterSchema);
  if (!validate(data)) {
    const e = validate.errors![0];
    throw new RosterError(`${file}: ${toJsonPath(e.instancePath)}: ${e.message}`);
  }
  return data as Roster;
}

export function saveRoster(file: string, roster: Roster): void {
  writeFileAtomic(file, JSON.stringify(roster, null, 2) + '\n');
}

/** The roster student a results file or an LMS folder name means: by id, then username, e-mail or name. */
export function findStudent(roster: Roster, who: string): RosterStudent | undefined {
  const lower = who.normalize('NFC').toLowerCase();
  const same = (x?: string) => x !== undefined && x.normalize('NFC').toLowerCase() === lower;
  return roster.students.find((s) => s.id === who) ?? roster.students.find((s) => same(s.id) || same(s.username) || same(s.email) || same(s.name));
}
