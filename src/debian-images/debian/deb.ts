import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {gunzipSync} from 'node:zlib';
import {run} from '../support/exec.js';
import type {ResolvedPackage} from './apt.js';

/** Unpacks a .deb's data into dir (no maintainer scripts run, nothing is installed). */
export async function extractDeb(debPath: string, dir: string): Promise<void> {
  await run('dpkg', ['-x', debPath, dir]);
}

/**
 * The date of the newest changelog entry of an unpacked package, in whole seconds since the
 * epoch, or 0 when there is none. A binNMU's changelog.Debian.<arch>.gz comes first because
 * that upload, not the source upload, is what built these bytes.
 */
export async function packageDate(dir: string, pkg: ResolvedPackage): Promise<number> {
  const docDir = join(dir, 'usr/share/doc', pkg.name);
  for (const name of [`changelog.Debian.${pkg.architecture}.gz`, 'changelog.Debian.gz', 'changelog.gz']) {
    let text: string;
    try {
      text = gunzipSync(await readFile(join(docDir, name))).toString('utf8');
    } catch {
      continue;
    }
    const seconds = firstTrailerDate(text);
    if (seconds !== undefined) return seconds;
  }
  return 0;
}

/** Parses the " -- Maintainer <addr>  Day, DD Mon YYYY HH:MM:SS +ZZZZ" line of the first entry. */
export function firstTrailerDate(changelog: string): number | undefined {
  const m = /^ -- .*?>\s{1,2}(\w{3}, +\d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4})\s*$/m.exec(changelog);
  if (!m) return undefined;
  const ms = Date.parse(m[1]!);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
