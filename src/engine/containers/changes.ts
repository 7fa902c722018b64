/** `docker diff`: what the container changed, read from its overlay upper dir against the layers below. */
import {lstatSync, readdirSync} from 'node:fs';
import {join} from 'node:path';

export interface Change {
  Path: string;
  /** 0 modified, 1 added, 2 deleted — Docker's numbering. */
  Kind: 0 | 1 | 2;
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Whiteouts (0/0 character devices) are deletions; an entry the lowers also have is a modification. */
export function changes(upper: string, lowerDirs: string[]): Change[] {
  const out: Change[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(upper, rel)).sort()) {
      const r = `${rel}/${name}`;
      const st = lstatSync(join(upper, r));
      if (st.isCharacterDevice() && st.rdev === 0) {
        out.push({Path: r, Kind: 2});
        continue;
      }
      out.push({Path: r, Kind: lowerDirs.some((d) => exists(join(d, r))) ? 0 : 1});
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}
