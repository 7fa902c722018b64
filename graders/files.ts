/** Concept: the host is not the container. Files on the host keep their state whatever happens inside containers. */
import {fail, grader, mode, pass, text} from './types.js';

const octal = (m?: number) => (m === undefined ? '?' : m.toString(8).padStart(4, '0'));

/** A host file at path still has its mode (e.g. /usr/bin/chmod 0755, written 493). */
export const hostModeIs = grader<{path: string; mode: number}>({
  type: 'object', additionalProperties: false, required: ['path', 'mode'],
  properties: {path: text, mode},
}, (snapshot, params) => {
  const path = params.path;
  const f = snapshot.host.files[path] ?? {path, exists: false};
  const expected = `the host's ${path} untouched (mode ${octal(params.mode)})`;
  const concept = 'commands typed inside the container change the container; the same command on the host changes your machine.';
  if (!f.exists) return fail(`the host's ${path} is missing`, expected, concept);
  if (f.mode !== params.mode) {
    const v = fail(`the host's ${path} has mode ${octal(f.mode)}`, expected, concept, {mode: octal(f.mode)});
    v.warning = `the host's ${path} was changed: repair it with: /lib64/ld-linux-x86-64.so.2 ${path} ${octal(params.mode)} ${path}`;
    return v;
  }
  return pass(`the host's ${path} is ${octal(f.mode)}`, expected, concept);
});
