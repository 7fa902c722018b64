/**
 * Concept: two ways to an image with a change. `docker commit` freezes a container's upper dir as a new layer,
 * and its history says only what the container ran, not what was done in it; a Dockerfile's build records each
 * instruction in the history. Graded from the images' layers and history and the containers' upper dirs.
 */
import type {ContainerSnapshot, ImageSnapshot, Snapshot} from './snapshot.js';
import {fail, grader, pass, text} from './types.js';

const concept = 'docker commit turns a container\'s changes (its upper dir) into a layer whose history shows only the container\'s command; a Dockerfile records every step, so the image can be made again from source.';
const params = {type: 'object', additionalProperties: false, required: ['image', 'path', 'token'], properties: {image: text, path: text, token: text}} as const;
type Params = {image: string; path: string; token: string};

const command = (c: ContainerSnapshot) => [c.path, ...c.args].join(' ');
const top = (i: ImageSnapshot) => i.history.at(-1)?.created_by ?? '';

function tagged(snapshot: Snapshot, name: string): ImageSnapshot | undefined {
  const want = name.includes(':') ? name : `${name}:latest`;
  return snapshot.engine.images.find((i) => i.tags.includes(want));
}

/** The image exists and its path holds the token; else the reason it does not. */
function imageWithToken(snapshot: Snapshot, {image, path, token}: Params, expected: string): {img: ImageSnapshot} | {verdict: ReturnType<typeof fail>} {
  const img = tagged(snapshot, image);
  if (!img) return {verdict: fail(`no image tagged ${image}`, expected, concept, {tags: snapshot.engine.images.flatMap((i) => i.tags)})};
  const file = img.files[path];
  if (!file?.exists) return {verdict: fail(`${image} has no ${path}: its layers are ${img.layerDirs.length}, none with the change`, expected, concept, {history: img.history})};
  if (!file.contains?.[token]) return {verdict: fail(`${image}'s ${path} does not hold your token ${token}`, expected, concept, {file})};
  return {img};
}

/** `docker commit` of a container whose upper dir holds path with the token: the image's top layer names the container's command. */
export const committedFromContainer = grader<Params>(params, (snapshot, p) => {
  const expected = `an image ${p.image} committed (docker commit) from a container whose own changes hold ${p.path} with your token`;
  const found = imageWithToken(snapshot, p, expected);
  if ('verdict' in found) return found.verdict;
  const changed = snapshot.engine.containers.filter((c) => c.files[p.path]?.upper.exists && c.files[p.path].upper.contains?.[p.token]);
  const createdBy = top(found.img);
  const evidence = {createdBy, containers: changed.map((c) => ({name: c.name, command: command(c)}))};
  if (changed.length === 0) return fail(`no container has ${p.path} with your token in its own upper dir: ${p.image} was not committed from a changed container (history: ${createdBy || 'empty'})`, expected, concept, evidence);
  const source = changed.find((c) => command(c) === createdBy);
  if (source) return pass(`${p.image}'s top layer comes from container ${source.name}: its history says only "${createdBy}"`, expected, concept, evidence);
  return fail(`${p.image}'s top layer says "${createdBy}", the command of none of the containers holding the change (${changed.map((c) => `${c.name}: ${command(c)}`).join('; ')}): it was built, not committed`, expected, concept, evidence);
});

/** A Dockerfile build: path with the token comes from an instruction the history records, not from a container's commit. */
export const builtFromDockerfile = grader<Params>(params, (snapshot, p) => {
  const expected = `an image ${p.image} built from a Dockerfile (docker build -t ${p.image}) whose instruction writes ${p.path} with your token`;
  const found = imageWithToken(snapshot, p, expected);
  if ('verdict' in found) return found.verdict;
  const createdBy = top(found.img);
  const source = snapshot.engine.containers.find((c) => command(c) === createdBy);
  const evidence = {createdBy, history: found.img.history};
  if (source) return fail(`${p.image}'s top layer says "${createdBy}", the command of container ${source.name}: it was committed, not built from a Dockerfile`, expected, concept, evidence);
  if (!createdBy) return fail(`${p.image}'s history does not say how its top layer was made`, expected, concept, evidence);
  return pass(`${p.image}'s history records the instruction: "${createdBy}"`, expected, concept, evidence);
});
