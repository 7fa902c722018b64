/**
 * The one list of Debian packages lab needs, system-packages.json at the package root: `lab doctor` checks it,
 * `lab doctor --fix` installs from it and .ci/run installs all of it, so a fresh machine gets what CI gets.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {Ajv} from 'ajv';
import {packageRoot} from './package-root.js';

export interface SystemPackage {
  /** The Debian package; also the id of its check in `lab doctor --json` unless `id` names it. */
  package: string;
  /** The check's id where one package serves several needs, each an entry of its own (docker.io: CLI, dockerd). */
  id?: string;
  /** How doctor names it, when the package name alone does not say which program it is about. */
  name?: string;
  /** A program on PATH once the package is installed. */
  command?: string;
  /** Arguments that make `command` print its version, for the report. */
  versionArgs?: string[];
  /** A file that exists once the package is installed. */
  file?: string;
  /** A stricter check run in code once the command or file is there. */
  probe?: 'static-busybox' | 'static-link';
  /** What it is for, so a student knows why it matters. */
  neededFor: string;
  /** host: only where VMs and images are built, not inside the lab VM (which gets every other non-dev entry). */
  where?: 'host';
  /** Only CI and the tests need it: doctor lists it with --dev, and --fix --dev installs it. */
  devOnly?: boolean;
  /** Installed only where `command` is not on PATH: a copy from outside Debian (Docker's own CLI) serves as well. */
  skipIfCommandPresent?: boolean;
}

const schema = {
  type: 'object',
  required: ['packages'],
  additionalProperties: false,
  properties: {
    $comment: {type: 'string'},
    packages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['package', 'neededFor'],
        additionalProperties: false,
        anyOf: [{required: ['command']}, {required: ['file']}],
        properties: {
          package: {type: 'string', pattern: '^[a-z0-9][a-z0-9+.-]+$'},
          id: {type: 'string', pattern: '^[a-z0-9][a-z0-9+.-]+$'},
          name: {type: 'string', minLength: 1},
          command: {type: 'string', pattern: '^[^/\\s]+$'},
          versionArgs: {type: 'array', items: {type: 'string'}},
          file: {type: 'string', pattern: '^/'},
          probe: {enum: ['static-busybox', 'static-link']},
          neededFor: {type: 'string', minLength: 1},
          where: {const: 'host'},
          devOnly: {type: 'boolean'},
          skipIfCommandPresent: {type: 'boolean'},
        },
        if: {properties: {skipIfCommandPresent: {const: true}}, required: ['skipIfCommandPresent']},
        then: {required: ['command']},
      },
    },
  },
} as const;

export function systemPackagesFile(): string {
  return join(packageRoot(), 'system-packages.json');
}

/** The id of an entry's check: its own, else its package's name. */
export const checkId = (p: SystemPackage) => p.id ?? p.package;

/**
 * Checks the list's shape (a misspelt field would silently change what gets installed) and that no check is listed
 * twice: a package appears once, or once per need with an `id` for each further one.
 */
export function parseSystemPackages(data: unknown, file: string): SystemPackage[] {
  const validate = new Ajv({allErrors: true, strict: false}).compile<{packages: SystemPackage[]}>(schema);
  if (!validate(data)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
    throw new Error(`${file} is not a valid package list: ${problems.join('; ')}`);
  }
  const seen = new Set<string>();
  for (const p of data.packages) {
    if (seen.has(checkId(p))) throw new Error(`${file} lists ${checkId(p)} twice`);
    seen.add(checkId(p));
  }
  return data.packages;
}

let cached: SystemPackage[] | undefined;

export function systemPackages(): SystemPackage[] {
  const file = systemPackagesFile();
  return (cached ??= parseSystemPackages(JSON.parse(readFileSync(file, 'utf8')) as unknown, file));
}

/** Where containers run (this machine, an SSH host, the lab VM): every entry not for the build host only, nor for tests only. */
export function labMachinePackages(list: SystemPackage[]): SystemPackage[] {
  return list.filter((p) => p.where !== 'host' && !p.devOnly);
}
