import {readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {BuildError} from '../support/errors.js';

/** One "deb" source of the host's apt configuration. */
export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
  /** Architectures the source is limited to; empty means all. */
  architectures: string[];
  /** file:line (one-line format) or file:stanza number (deb822), for messages. */
  origin: string;
}

const SOURCES_LIST = '/etc/apt/sources.list';
const SOURCES_PARTS = '/etc/apt/sources.list.d';
/** Schemes debootstrap can fetch from. */
const FETCHABLE = /^(https?|file):/;

/** Reads sources.list and sources.list.d/*.list|*.sources in the order apt does (the folder sorted by name). */
export async function readAptSources(listFile = SOURCES_LIST, partsDir = SOURCES_PARTS): Promise<AptSource[]> {
  const sources: AptSource[] = [];
  const text = await readFile(listFile, 'utf8').catch(() => undefined);
  if (text !== undefined) sources.push(...parseOneLineSources(text, listFile));
  const names = (await readdir(partsDir).catch(() => [] as string[])).sort();
  for (const name of names) {
    // apt ignores every other name (*.disabled, *.save, editor backups).
    if (!/^[A-Za-z0-9_.-]+\.(list|sources)$/.test(name)) continue;
    const file = join(partsDir, name);
    const content = await readFile(file, 'utf8').catch(() => undefined);
    if (content === undefined) continue;
    sources.push(...(name.endsWith('.list') ? parseOneLineSources(content, file) : parseDeb822Sources(content, file)));
  }
  return sources;
}

/** `deb [opt=val ...] uri suite [component ...]`; deb-src lines and comments are skipped. */
export function parseOneLineSources(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  text.split('\n').forEach((raw, i) => {
    let line = raw.replace(/#.*$/, '').trim();
    if (!line.startsWith('deb ') && !line.startsWith('deb\t')) return;
    line = line.slice(3).trim();
    const options = new Map<string, string>();
    if (line.startsWith('[')) {
      const end = line.indexOf(']');
      if (end === -1) return;
      for (const opt of line.slice(1, end).trim().split(/\s+/)) {
        const eq = opt.indexOf('=');
        if (eq > 0) options.set(opt.slice(0, eq), opt.slice(eq + 1));
      }
      line = line.slice(end + 1).trim();
    }
    const [uri, suite, ...components] = line.split(/\s+/);
    if (!uri || !suite) return;
    const arch = options.get('arch');
    out.push({uri, suites: [suite], components, architectures: arch ? arch.split(',') : [], origin: `${file}:${i + 1}`});
  });
  return out;
}

/** deb822 stanzas (Types, URIs, Suites, Components, Architectures, Enabled). */
export function parseDeb822Sources(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  const stanzas = text.split(/\n[ \t]*\n/);
  stanzas.forEach((stanza, i) => {
    const fields = new Map<string, string>();
    let key: string | undefined;
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      if (/^[ \t]/.test(line)) {
        if (key) fields.set(key, `${fields.get(key)} ${line.trim()}`);
        continue;
      }
      const m = /^([A-Za-z0-9-]+):(.*)$/.exec(line);
      if (!m) continue;
      key = m[1]!.toLowerCase();
      fields.set(key, m[2]!.trim());
    }
    const list = (k: string) => (fields.get(k) ?? '').split(/\s+/).filter(Boolean);
    if (!list('types').includes('deb')) return;
    if (/^(no|false|0)$/i.test(fields.get('enabled') ?? 'yes')) return;
    for (const uri of list('uris')) {
      out.push({uri, suites: list('suites'), components: list('components'), architectures: list('architectures'), origin: `${file}:stanza ${i + 1}`});
    }
  });
  return out;
}

/** The first configured source debootstrap can use for this suite, components and architecture. */
export function pickMirror(sources: AptSource[], suite: string, components: string[], architecture: string): AptSource {
  const usable = sources.filter(
    (s) =>
      FETCHABLE.test(s.uri) &&
      s.suites.includes(suite) &&
      components.every((c) => s.components.includes(c)) &&
      (s.architectures.length === 0 || s.architectures.includes(architecture)),
  );
  const chosen = usable[0];
  if (!chosen) {
    const seen = sources.map((s) => `  ${s.uri} ${s.suites.join(',')} ${s.components.join(',')} (${s.origin})`).join('\n');
    throw new BuildError(
      `no apt source for "${suite}" with ${components.join(', ')} (${architecture}) in /etc/apt/sources.list or sources.list.d` +
        (seen ? `; configured:\n${seen}` : '; none configured'),
    );
  }
  return {...chosen, uri: chosen.uri.replace(/\/+$/, '')};
}
