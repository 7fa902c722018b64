// Tar member names are bytes, not text. They are kept as "byte strings" (one char per byte,
// latin1) so names that are not valid UTF-8 survive extraction and re-export unchanged.

export function bytesToName(bytes: Buffer): string {
  return bytes.toString('latin1');
}

export function nameToBytes(name: string): Buffer {
  return Buffer.from(name, 'latin1');
}

/** Human-readable form for messages; invalid UTF-8 shows as U+FFFD. */
export function displayName(name: string): string {
  return nameToBytes(name).toString('utf8');
}

export class PathRejected extends Error {}

/**
 * Turns a member name into a path relative to the layer root ('' is the root itself).
 * `..` is resolved lexically and may not climb above the root; absolute names are refused
 * rather than silently re-rooted, since a layer producer never needs them.
 */
export function normalizeMemberPath(name: string): string {
  if (name.includes('\0')) throw new PathRejected('name contains a NUL byte');
  if (name.startsWith('/')) throw new PathRejected('absolute paths are not allowed');
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new PathRejected('path escapes the layer');
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

export function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? '' : rel.slice(0, slash);
}

export function baseOf(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

export function joinRel(parent: string, child: string): string {
  return parent === '' ? child : `${parent}/${child}`;
}

/** Absolute filesystem path of `rel` under `root`, as bytes so any name is representable. */
export function absPath(root: Buffer, rel: string): Buffer {
  return rel === '' ? root : Buffer.concat([root, Buffer.from('/' + rel, 'latin1')]);
}
