import {readFile, rename, writeFile} from 'node:fs/promises';

/**
 * Makes the engine use the course registry as its mirror of Docker Hub: `registry-mirrors` and
 * `insecure-registries`, spelled as dockerd spells them, merged into daemon.json. Every other key, and any
 * mirror the teacher set, stays. Returns whether the file changed (the engine then needs a restart).
 */
export async function addMirror(daemonJsonFile: string, registryUrl: string): Promise<boolean> {
  let text: string | undefined;
  try {
    text = await readFile(daemonJsonFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let config: Record<string, unknown> = {};
  if (text !== undefined && text.trim() !== '') {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${daemonJsonFile}: expected a JSON object`);
    config = parsed as Record<string, unknown>;
  }
  const host = new URL(registryUrl).host;
  const mirrors = listOf(config, 'registry-mirrors', daemonJsonFile);
  const insecure = listOf(config, 'insecure-registries', daemonJsonFile);
  // Stale mirrors of earlier runs (another port) go: the registry on the loopback is always ours.
  const keptMirrors = mirrors.filter((m) => m === registryUrl || !/^http:\/\/127\.0\.0\.1:\d+\/?$/.test(m));
  const keptInsecure = insecure.filter((h) => h === host || !/^127\.0\.0\.1:\d+$/.test(h));
  const nextMirrors = keptMirrors.includes(registryUrl) ? keptMirrors : [registryUrl, ...keptMirrors];
  const nextInsecure = keptInsecure.includes(host) ? keptInsecure : [...keptInsecure, host];
  const changed = JSON.stringify([mirrors, insecure]) !== JSON.stringify([nextMirrors, nextInsecure]);
  if (!changed) return false;
  config['registry-mirrors'] = nextMirrors;
  config['insecure-registries'] = nextInsecure;
  const tmp = `${daemonJsonFile}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(config, null, 2)}\n`);
  await rename(tmp, daemonJsonFile);
  return true;
}

function listOf(config: Record<string, unknown>, key: string, file: string): string[] {
  const value = config[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`${file}: "${key}" must be a list of strings`);
  return value as string[];
}
