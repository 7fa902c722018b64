/**
 * Image references the way Docker reads them: `busybox` is `docker.io/library/busybox:latest`, stored and shown
 * by its familiar name `busybox:latest`.
 */
import {invalidArgument} from '../errors.js';

export interface Reference {
  /** Familiar repository name: `busybox`, `myuser/app`, `registry.local:5000/app`. */
  repo: string;
  tag?: string;
  digest?: string;
}

const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const domain = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const nameRe = new RegExp(`^(?:(${domain})/)?(${component}(?:/${component})*)$`);
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^sha256:[a-f0-9]{64}$/;

export function isValidTag(tag: string): boolean {
  return tagRe.test(tag);
}

/** Strips the implicit `docker.io/` and `library/` so names read as users typed them. */
function familiar(name: string): string {
  const m = nameRe.exec(name);
  if (!m) throw invalidArgument('invalid reference format');
  let [, host, path] = m;
  // A first component without a dot, colon or "localhost" is a path, not a registry.
  if (host && !host.includes('.') && !host.includes(':') && host !== 'localhost') {
    path = `${host}/${path}`;
    host = undefined as unknown as string;
  }
  if (!host || host === 'docker.io' || host === 'index.docker.io') {
    return path.startsWith('library/') && path.split('/').length === 2 ? path.slice('library/'.length) : path;
  }
  return `${host}/${path}`;
}

export function parseReference(text: string): Reference {
  if (text === '' || text !== text.trim()) throw invalidArgument('invalid reference format');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestRe.test(digest)) throw invalidArgument('invalid reference format');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isValidTag(tag)) throw invalidArgument('invalid reference format');
  }
  if (/[A-Z]/.test(rest.split('/').slice(-1)[0] ?? '')) throw invalidArgument('invalid reference format: repository name must be lowercase');
  return {repo: familiar(rest), tag, digest};
}

/** `busybox:latest` (a tag is implied when neither tag nor digest is given). */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag || ref.digest ? ref : {...ref, tag: 'latest'};
}

export function formatReference(ref: Reference): string {
  return ref.digest ? `${ref.repo}@${ref.digest}` : `${ref.repo}:${ref.tag ?? 'latest'}`;
}

export function fullyQualified(ref: Reference): string {
  const first = ref.repo.split('/')[0];
  const hasHost = ref.repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const name = hasHost ? ref.repo : ref.repo.includes('/') ? `docker.io/${ref.repo}` : `docker.io/library/${ref.repo}`;
  return ref.digest ? `${name}@${ref.digest}` : `${name}:${ref.tag ?? 'latest'}`;
}
