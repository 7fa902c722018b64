/**
 * Concept: a registry keeps images by repository and tag; docker push sends the layers and a manifest there,
 * docker pull brings them back. Read from the course registry's HTTP API (its tags and manifest digests), the
 * engine's events and the pulled image's RepoDigests.
 */
import type {Snapshot} from './snapshot.js';
import {fail, grader, pass, text} from './types.js';

const concept = 'docker push uploads the image\'s layers and a manifest to the registry named in its tag; the manifest\'s sha256 is the digest the registry knows it by; docker pull fetches it back and records that digest (RepoDigests).';

function inRegistry(snapshot: Snapshot, repo: string, tag: string): {digest?: string; why?: string} {
  const r = snapshot.registry;
  if (!r) return {why: 'the course registry was not read'};
  if (r.error) return {why: r.error};
  const digest = r.tags[repo]?.[tag];
  if (digest) return {digest};
  const ours = r.catalog.filter((x) => x.split('/')[0] === repo.split('/')[0]);
  return {why: `the course registry ${r.host} holds no ${repo}:${tag} (its ${repo.split('/')[0]}/ repositories: ${ours.join(', ') || 'none'})`};
}

/** The course registry holds repo:tag. */
export const pushed = grader<{repo: string; tag: string}>({
  type: 'object', additionalProperties: false, required: ['repo', 'tag'], properties: {repo: text, tag: text},
}, (snapshot, {repo, tag}) => {
  const host = snapshot.registry?.host || 'REGISTRY';
  const expected = `${repo}:${tag} in the course registry (docker push ${host}/${repo}:${tag})`;
  const found = inRegistry(snapshot, repo, tag);
  if (!found.digest) return fail(found.why!, expected, concept);
  return pass(`${host} holds ${repo}:${tag} as ${found.digest}`, expected, concept, {digest: found.digest});
});

/** After its push, repo:tag was pulled back from the course registry, and an image in the store has its digest. */
export const pulledBack = grader<{repo: string; tag: string}>({
  type: 'object', additionalProperties: false, required: ['repo', 'tag'], properties: {repo: text, tag: text},
}, (snapshot, {repo, tag}) => {
  const host = snapshot.registry?.host || 'REGISTRY';
  const ref = `${host}/${repo}:${tag}`;
  const expected = `${ref} pulled back after the push (docker rmi ${ref}, then docker pull ${ref}), with the registry's digest in RepoDigests`;
  const found = inRegistry(snapshot, repo, tag);
  if (!found.digest) return fail(found.why!, expected, concept);
  const events = snapshot.engine.events.filter((e) => e.Type === 'image' && (e.Actor.ID === ref || e.Actor.Attributes.name === ref)).sort((a, b) => a.timeNano - b.timeNano);
  const push = [...events].reverse().find((e) => e.Action === 'push');
  const pull = [...events].reverse().find((e) => e.Action === 'pull');
  const evidence = {digest: found.digest, actions: events.map((e) => e.Action)};
  if (!pull) return fail(`${ref} was never pulled${push ? ' (only pushed)' : ''}`, expected, concept, evidence);
  if (push && pull.timeNano < push.timeNano) return fail(`${ref} was pulled before its last push, not after`, expected, concept, evidence);
  const image = snapshot.engine.images.find((i) => (i.repoDigests ?? []).includes(`${host}/${repo}@${found.digest}`));
  if (!image) return fail(`no image in the store has the digest ${found.digest} of ${host}/${repo}`, expected, concept, evidence);
  return pass(`${ref} pulled back: image ${image.id.replace(/^sha256:/, '').slice(0, 12)} has ${host}/${repo}@${found.digest}`, expected, concept, {...evidence, imageId: image.id});
});
