/** Concept: the host is not the container. Files on the host keep their state whatever happens inside containers. */
import {fail, pass, type Grader} from './types.js';

const octal = (m?: number) => (m === undefined ? '?' : m.toString(8).padStart(4, '0'));

/** params: path, mode — a host file still has its mode (e.g. /usr/bin/chmod 0755). */
export const hostModeIs: Grader = (snapshot, params) => {
  const path = String(params.path);
  const f = snapshot.host.files[path] ?? {path, exists: false};
  const expected = `the host's ${path} untouched (mode ${octal(Number(params.mode))})`;
  const concept = 'commands typed inside the container change the container; the same command on the host changes your machine.';
  if (!f.exists) return fail(`the host's ${path} is missing`, expected, concept);
  if (f.mode !== Number(params.mode)) {
    const v = fail(`the host's ${path} has mode ${octal(f.mode)}`, expected, concept, {mode: octal(f.mode)});
    v.warning = `the host's ${path} was changed: repair it with: /lib64/ld-linux-x86-64.so.2 ${path} ${octal(Number(params.mode))} ${path}`;
    return v;
  }
  return pass(`the host's ${path} is ${octal(f.mode)}`, expected, concept);
};
