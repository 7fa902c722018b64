/** Splits "busybox:latest" or "ghcr.io/org/img:1" into repository and tag. */
export function splitTag(ref: string): {repository: string; tag: string} {
  const colon = ref.lastIndexOf(':');
  if (colon <= 0 || ref.indexOf('/', colon) !== -1) return {repository: ref, tag: 'latest'};
  return {repository: ref.slice(0, colon), tag: ref.slice(colon + 1)};
}

/** Docker's fully qualified form: busybox:latest → docker.io/library/busybox:latest. */
export function fullyQualified(ref: string): string {
  const {repository, tag} = splitTag(ref);
  const first = repository.split('/')[0]!;
  const hasRegistry = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return `${repository}:${tag}`;
  return repository.includes('/') ? `docker.io/${repository}:${tag}` : `docker.io/library/${repository}:${tag}`;
}
