/**
 * A writer for the "newc" cpio format, the one the kernel unpacks as an initramfs. Written here rather than
 * with cpio(1) so that device nodes (/dev/console) need no mknod, and so the per-VM keys appended at start
 * never touch a temporary tree.
 */
export type CpioEntry =
  | {name: string; type: 'directory'; mode?: number}
  | {name: string; type: 'file'; mode?: number; data: Buffer}
  | {name: string; type: 'symlink'; target: string}
  | {name: string; type: 'char'; mode?: number; major: number; minor: number};

const TYPE_BITS = {directory: 0o040000, file: 0o100000, symlink: 0o120000, char: 0o020000} as const;
const DEFAULT_MODE = {directory: 0o755, file: 0o644, symlink: 0o777, char: 0o600} as const;

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
const pad4 = (n: number) => (4 - (n % 4)) % 4;

function header(fields: number[], name: string): Buffer {
  const nameBytes = Buffer.from(`${name}\0`, 'utf8');
  // Header and name together are padded to a multiple of 4 (the header is 110 bytes).
  const text = `070701${fields.map(hex8).join('')}`;
  return Buffer.concat([Buffer.from(text, 'ascii'), nameBytes, Buffer.alloc(pad4(110 + nameBytes.length))]);
}

/** Serializes entries in the order given (parents must precede their children), ending with the trailer. */
export function writeCpio(entries: CpioEntry[], mtimeSeconds = 0): Buffer {
  const chunks: Buffer[] = [];
  let ino = 1;
  for (const entry of entries) {
    const name = entry.name.replace(/^\/+/, '');
    if (name === '' || name.split('/').some((p) => p === '..')) throw new Error(`bad cpio entry name ${JSON.stringify(entry.name)}`);
    const mode = TYPE_BITS[entry.type] | ((entry.type === 'symlink' ? undefined : entry.mode) ?? DEFAULT_MODE[entry.type]);
    const data = entry.type === 'file' ? entry.data : entry.type === 'symlink' ? Buffer.from(entry.target, 'utf8') : Buffer.alloc(0);
    const [rdevMajor, rdevMinor] = entry.type === 'char' ? [entry.major, entry.minor] : [0, 0];
    const nlink = entry.type === 'directory' ? 2 : 1;
    const nameSize = Buffer.byteLength(name, 'utf8') + 1;
    chunks.push(header([ino++, mode, 0, 0, nlink, mtimeSeconds, data.length, 0, 0, rdevMajor, rdevMinor, nameSize, 0], name));
    chunks.push(data, Buffer.alloc(pad4(data.length)));
  }
  chunks.push(header([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 11, 0], 'TRAILER!!!'));
  return Buffer.concat(chunks);
}
