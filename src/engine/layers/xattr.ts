// Extended attributes through the attr tools, in one process per layer: `setfattr --restore`
// and `getfattr -R` both speak the same dump format ("# file: PATH", then name=0sBASE64).
import {run} from './spawn.js';

/** Escapes a byte string the way the attr tools expect: \ooo for anything unusual. */
function quote(text: string, extra: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const char = text[i]!;
    out += code <= 0x20 || code >= 0x7f || char === '\\' || extra.includes(char) ? `\\${code.toString(8).padStart(3, '0')}` : char;
  }
  return out;
}

function unquote(text: string): string {
  return text.replace(/\\([0-7]{3}|\\)/g, (_, code: string) => (code === '\\' ? '\\' : String.fromCharCode(parseInt(code, 8))));
}

/** Paths (byte strings, relative to `root`) with the attributes to set; lsetxattr semantics. */
export async function setXattrs(root: string, attrs: Iterable<[string, Map<string, Buffer>]>): Promise<void> {
  const parts: string[] = [];
  for (const [rel, values] of attrs) {
    if (values.size === 0) continue;
    parts.push(`# file: ${quote(rel === '' ? '.' : rel, '')}\n`);
    for (const [name, value] of values) parts.push(`${quote(name, '=')}=0s${value.toString('base64')}\n`);
    parts.push('\n');
  }
  if (parts.length === 0) return;
  await run('setfattr', ['-h', '--restore=-'], {cwd: root, input: Buffer.from(parts.join(''), 'latin1')});
}

function decodeValue(text: string): Buffer {
  if (text.startsWith('0s')) return Buffer.from(text.slice(2), 'base64');
  if (text.startsWith('0x')) return Buffer.from(text.slice(2), 'hex');
  if (text.startsWith('"') && text.endsWith('"')) return Buffer.from(unquote(text.slice(1, -1)), 'latin1');
  return Buffer.from(text, 'latin1');
}

/** All extended attributes below `root` (symlinks included, never followed), keyed by relative path. */
export async function readXattrTree(root: string): Promise<Map<string, Map<string, Buffer>>> {
  const dump = await run('getfattr', ['-R', '-h', '-P', '--absolute-names', '-d', '-m', '-', '-e', 'base64', '.'], {cwd: root});
  const result = new Map<string, Map<string, Buffer>>();
  let current: Map<string, Buffer> | undefined;
  for (const line of dump.toString('latin1').split('\n')) {
    if (line.startsWith('# file: ')) {
      const path = unquote(line.slice('# file: '.length));
      const rel = path === '.' ? '' : path.replace(/^\.\//, '');
      current = new Map();
      result.set(rel, current);
    } else if (line !== '' && current) {
      const equals = line.indexOf('=');
      const name = unquote(equals < 0 ? line : line.slice(0, equals));
      current.set(name, equals < 0 ? Buffer.alloc(0) : decodeValue(line.slice(equals + 1)));
    }
  }
  return result;
}
