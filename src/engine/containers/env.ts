/**
 * Environment lists as dockerd builds them. An entry without `=` names a variable to unset: it is stored as
 * sent, keeps the image's variable of that name out, and removes the engine's default (PATH, HOSTNAME, TERM)
 * from the process's environment. Nothing is ever read from the engine's own environment.
 */

const keyOf = (entry: string) => entry.split('=')[0];

/** The container's Env at create: the request's entries first, then the image's whose names it does not use. */
export function mergeEnv(imageEnv: readonly string[] | null | undefined, own: readonly string[] | null | undefined): string[] {
  const mine = [...(own ?? [])];
  if (mine.length === 0) return [...(imageEnv ?? [])];
  const taken = new Set(mine.map(keyOf));
  return [...mine, ...(imageEnv ?? []).filter((e) => !taken.has(keyOf(e)))];
}

/** `defaults` with each override replacing the entry of its name in place or appended; `NAME` alone removes it. */
export function replaceOrAppendEnv(defaults: readonly string[], overrides: readonly string[] | null | undefined): string[] {
  const out: (string | undefined)[] = [...defaults];
  const index = new Map<string, number>();
  out.forEach((e, i) => index.set(keyOf(e!), i));
  for (const entry of overrides ?? []) {
    const key = keyOf(entry);
    const at = index.get(key);
    if (!entry.includes('=')) {
      if (at !== undefined) out[at] = undefined;
      continue;
    }
    if (at !== undefined && out[at] !== undefined) out[at] = entry;
    else {
      index.set(key, out.length);
      out.push(entry);
    }
  }
  return out.filter((e): e is string => e !== undefined);
}
