/**
 * Tags: image/overlay2/repositories.json, as dockerd keeps it:
 *   {"Repositories": {"busybox": {"busybox:latest": "sha256:<image id>"}}}
 */
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {writeFileAtomic} from '../util/fs-atomic.js';
import {formatReference, type Reference} from './reference.js';

type Repositories = Record<string, Record<string, string>>;

export class ReferenceStore {
  private readonly path: string;
  private repos: Repositories;

  constructor(imageRoot: string) {
    this.path = join(imageRoot, 'repositories.json');
    this.repos = existsSync(this.path) ? ((JSON.parse(readFileSync(this.path, 'utf8')) as {Repositories?: Repositories}).Repositories ?? {}) : {};
    if (!existsSync(this.path)) this.save();
  }

  private save(): void {
    writeFileAtomic(this.path, JSON.stringify({Repositories: this.repos}));
  }

  get(ref: Reference): string | undefined {
    return this.repos[ref.repo]?.[formatReference(ref)];
  }

  /** Points the ref at the image; returns the image it pointed at before, if another one. */
  set(ref: Reference, imageId: string): string | undefined {
    const key = formatReference(ref);
    const previous = this.repos[ref.repo]?.[key];
    this.repos[ref.repo] = {...this.repos[ref.repo], [key]: imageId};
    this.save();
    return previous !== imageId ? previous : undefined;
  }

  delete(ref: Reference): boolean {
    const key = formatReference(ref);
    const repo = this.repos[ref.repo];
    if (!repo || !(key in repo)) return false;
    delete repo[key];
    if (Object.keys(repo).length === 0) delete this.repos[ref.repo];
    this.save();
    return true;
  }

  /** All refs of one image, sorted, e.g. ["busybox:latest", "mybox:v1"]. */
  refsOf(imageId: string): string[] {
    const out: string[] = [];
    for (const repo of Object.values(this.repos)) {
      for (const [ref, id] of Object.entries(repo)) if (id === imageId) out.push(ref);
    }
    return out.sort();
  }

  all(): Array<{ref: string; repo: string; imageId: string}> {
    return Object.entries(this.repos).flatMap(([repo, refs]) => Object.entries(refs).map(([ref, imageId]) => ({ref, repo, imageId})));
  }
}
