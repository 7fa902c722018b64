/** How a Dockerfile reads and writes image config values: the default shell, an ENV lookup, history's quoting. */
export const defaultShell = ['/bin/sh', '-c'];

export function envValue(env: string[] | undefined, name: string): string | undefined {
  const entry = [...(env ?? [])].reverse().find((e) => e === name || e.startsWith(`${name}=`));
  if (entry === undefined) return undefined;
  return entry.includes('=') ? entry.slice(name.length + 1) : '';
}

/** Go's %q of a string list (`["cat" "/a"]`), the form Docker's history shows for CMD and ENTRYPOINT. */
export function goQuoted(list: string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}
