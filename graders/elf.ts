/** Concept: static vs dynamic linking. A dynamic executable names a program interpreter (PT_INTERP) and libraries. */
import type {FileInfo} from './snapshot.js';
import {fail, grader, linkage, optionalText, pass, text, type Linkage} from './types.js';

export const concept = 'A dynamically linked program needs its loader and libraries at run time; a static one carries them inside.';

export function describeLinkage(f: FileInfo): string {
  if (!f.exists) return `${f.path} does not exist`;
  if (!f.elf) return `${f.path} is not an ELF executable`;
  if (f.elf.static) return `${f.path} is statically linked (${f.size} bytes)`;
  return `${f.path} is dynamically linked (interpreter ${f.elf.interpreter ?? 'none'}, needs ${f.elf.needed.join(', ') || 'nothing'}; ${f.size} bytes)`;
}

export function hasLinkage(f: FileInfo | undefined, kind: Linkage): boolean {
  return Boolean(f?.exists && f.elf && (kind === 'static' ? f.elf.static : !f.elf.static));
}

/** The host file at path is an ELF program linked so, holding the string `contains` (e.g. its format string) if given. */
export const hostBinary = grader<{path: string; linkage: Linkage; contains?: string}>({
  type: 'object', additionalProperties: false, required: ['path', 'linkage'],
  properties: {path: text, linkage, contains: optionalText},
}, (snapshot, params) => {
  const path = params.path;
  const f = snapshot.host.files[path] ?? {path, exists: false};
  const expected = `${path}: an ELF executable, ${params.linkage}ally linked${params.contains ? `, built from the lab's source` : ''}`;
  if (!hasLinkage(f, params.linkage)) return fail(describeLinkage(f), expected, concept, {sha256: f.sha256, elf: f.elf});
  if (params.contains && !f.contains?.[params.contains]) {
    return fail(`${describeLinkage(f)}, but it was not built from the lab's hello.c`, expected, concept, {sha256: f.sha256});
  }
  return pass(describeLinkage(f), expected, concept, {sha256: f.sha256, size: f.size, elf: f.elf});
});
