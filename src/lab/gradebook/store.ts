/**
 * The teacher's results store: every attempt kept, none ever overwritten. Each result goes to
 * `<store>/<student slug>/<assignment>/<time>-<hash>-results.json`, created exclusively ('wx'): a second
 * collection adds a file beside the first. The slug (roster/slug.ts) keeps any id safe as a folder name; the id
 * itself is inside the file.
 */
import {createHash} from 'node:crypto';
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileSlug} from '../roster/slug.js';

export function storeAttempt(store: string, result: {extra_data: {student: string; submittedAt?: string; checkedAt?: string}}, assignment: string): string {
  const text = JSON.stringify(result, null, 2) + '\n';
  const dir = join(store, fileSlug(result.extra_data.student), assignment);
  mkdirSync(dir, {recursive: true, mode: 0o700});
  // Named by when it was made (checked), so a re-check of the same hand-in sorts after it.
  const stamp = (result.extra_data.checkedAt ?? result.extra_data.submittedAt ?? new Date().toISOString()).replace(/[^0-9TZ]/g, '');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const path = join(dir, `${stamp}-${hash}-results.json`);
  writeFileSync(path, text, {flag: 'wx', mode: 0o600});
  return path;
}
