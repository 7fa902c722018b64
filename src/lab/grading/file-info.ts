/** Facts about one path as the collector sees it: type, mode, size, content hash, ELF linkage, whiteout. */
import {createHash} from 'node:crypto';
import {lstatSync, readFileSync} from 'node:fs';
import {elfFacts} from '../../common/elf.js';
import type {FileInfo} from '../../../graders/snapshot.js';

export function fileInfo(path: string, contains: string[] = []): FileInfo {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return {path, exists: false};
  }
  const info: FileInfo = {
    path, exists: true,
    type: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other',
    mode: st.mode & 0o7777, size: st.size, uid: st.uid, mtimeMs: Math.trunc(st.mtimeMs), ctimeMs: Math.trunc(st.ctimeMs), ino: st.ino, dev: st.dev,
  };
  if (st.isCharacterDevice() && st.rdev === 0) info.whiteout = true;
  if (st.isFile() && st.size <= 64 * 1024 * 1024) {
    const data = readFileSync(path);
    info.sha256 = createHash('sha256').update(data).digest('hex');
    if (contains.length > 0) info.contains = Object.fromEntries(contains.map((c) => [c, data.includes(c)]));
    try {
      info.elf = elfFacts(path);
    } catch {
      // not readable as ELF
    }
  }
  return info;
}
