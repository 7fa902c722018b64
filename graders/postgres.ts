/**
 * Concept: a service in a container. The official postgres image refuses to start without POSTGRES_PASSWORD;
 * -e gives it one, -p publishes its port so a client on the host can connect, and -v keeps its data directory
 * outside the container, so a new container finds the tables an old one made. Graded from the engine's
 * containers and from a real psql query through the published port (collected with the snapshot).
 */
import type {ContainerSnapshot, Snapshot} from './snapshot.js';
import {fail, grader, pass, text} from './types.js';

const concept = 'a container gets its configuration from -e, is reached from outside through -p host:container, and keeps data only in a volume or host directory given with -v: its own writable layer goes with docker rm.';
const dataDir = '/var/lib/postgresql/data';

function ofImage(snapshot: Snapshot, imageId: string, image: string): ContainerSnapshot[] {
  return snapshot.engine.containers.filter((c) => c.image === imageId || c.imageName === image || c.imageName === `${image}:latest`);
}
const imageParams = {imageId: text, image: text} as const;
const hasPassword = (c: ContainerSnapshot) => (c.envNames ?? []).includes('POSTGRES_PASSWORD');

/** docker run postgres: a container without POSTGRES_PASSWORD that exited with the image's refusal. */
export const refused = grader<{imageId: string; image: string}>({
  type: 'object', additionalProperties: false, required: ['imageId', 'image'], properties: imageParams,
}, (snapshot, params) => {
  const expected = 'a container from postgres run without POSTGRES_PASSWORD, which exited refusing to initialise the database';
  const mine = ofImage(snapshot, params.imageId, params.image);
  const said = (c: ContainerSnapshot) => c.logTail.some((l) => /Database is uninitialized and superuser password is not specified/.test(l));
  const r = mine.find((c) => !hasPassword(c) && !c.state.running && c.state.exitCode !== 0 && said(c));
  if (r) return pass(`container ${r.name} exited ${r.state.exitCode}: "Database is uninitialized and superuser password is not specified"`, expected, concept, {containerId: r.id});
  const withPw = mine.find(hasPassword);
  if (withPw) return fail(`container ${withPw.name} was given POSTGRES_PASSWORD, so it ${withPw.state.running ? 'runs' : 'started'}: run one without -e first and read its error`, expected, concept, {containerId: withPw.id});
  const other = mine.find((c) => !c.state.running);
  if (other) return fail(`container ${other.name} exited ${other.state.exitCode} without saying the database is uninitialised (${[other.path, ...other.args].join(' ')})`, expected, concept, {containerId: other.id});
  return fail('no container from postgres has run yet', expected, concept);
});

function served(snapshot: Snapshot, params: {imageId: string; image: string}): ContainerSnapshot[] {
  return ofImage(snapshot, params.imageId, params.image).filter((c) => c.state.running);
}

/** A running postgres container that was given POSTGRES_PASSWORD. */
export const withPassword = grader<{imageId: string; image: string}>({
  type: 'object', additionalProperties: false, required: ['imageId', 'image'], properties: imageParams,
}, (snapshot, params) => {
  const expected = 'a running postgres container given a password (-e POSTGRES_PASSWORD=…)';
  const c = served(snapshot, params).find(hasPassword);
  if (c) return pass(`container ${c.name} runs with POSTGRES_PASSWORD set`, expected, concept, {containerId: c.id});
  return fail(served(snapshot, params).length ? 'a postgres container runs, but without POSTGRES_PASSWORD' : 'no postgres container is running', expected, concept);
});

/** Its 5432/tcp published on the host's port. */
export const published = grader<{imageId: string; image: string; port: number}>({
  type: 'object', additionalProperties: false, required: ['imageId', 'image', 'port'], properties: {...imageParams, port: {type: 'integer', minimum: 1, maximum: 65535}},
}, (snapshot, params) => {
  const expected = `a running postgres container with its port 5432 published on the host's port ${params.port} (-p ${params.port}:5432)`;
  const running = served(snapshot, params);
  const c = running.find((x) => (x.ports ?? []).some((p) => p.container === '5432/tcp' && p.hostPort === params.port));
  if (c) return pass(`container ${c.name} publishes 5432/tcp on port ${params.port}`, expected, concept, {containerId: c.id, ports: c.ports});
  const elsewhere = running.find((x) => (x.ports ?? []).some((p) => p.container === '5432/tcp'));
  if (elsewhere) return fail(`container ${elsewhere.name} publishes 5432 on port ${elsewhere.ports!.find((p) => p.container === '5432/tcp')!.hostPort}, not ${params.port}`, expected, concept, {containerId: elsewhere.id});
  return fail(running.length ? `container ${running[0].name} publishes no port: without -p nothing outside the container reaches 5432` : 'no postgres container is running', expected, concept);
});

/** psql through the published port reached the server and found the table. */
export const tableReached = grader<{imageId: string; image: string; port: number; table: string}>({
  type: 'object', additionalProperties: false, required: ['imageId', 'image', 'port', 'table'],
  properties: {...imageParams, port: {type: 'integer', minimum: 1, maximum: 65535}, table: text},
}, (snapshot, params) => {
  const expected = `psql -h 127.0.0.1 -p ${params.port} reaches the server, and the table ${params.table} is in it`;
  const c = served(snapshot, params).find((x) => x.postgres?.port === params.port);
  if (!c) return fail(`nothing answers psql on port ${params.port} (no running postgres container publishes it)`, expected, concept);
  const pg = c.postgres!;
  const evidence = {containerId: c.id, tables: pg.tables ?? [], error: pg.error};
  if (!pg.connected) return fail(`psql through port ${params.port} failed: ${pg.error}`, expected, concept, evidence);
  if (!(pg.tables ?? []).includes(params.table)) return fail(`psql reached container ${c.name}, but it has no table ${params.table} (tables: ${(pg.tables ?? []).join(', ') || 'none'})`, expected, concept, evidence);
  return pass(`psql reached container ${c.name} through port ${params.port}; table ${params.table} is there`, expected, concept, evidence);
});

/** A new container over the old data: the table is there, and the cluster was made before this container was. */
export const dataKept = grader<{imageId: string; image: string; port: number; table: string}>({
  type: 'object', additionalProperties: false, required: ['imageId', 'image', 'port', 'table'],
  properties: {...imageParams, port: {type: 'integer', minimum: 1, maximum: 65535}, table: text},
}, (snapshot, params) => {
  const expected = `a new postgres container (the old one removed) whose ${dataDir} is the old one's (-v), with the table ${params.table} still in it`;
  const c = served(snapshot, params).find((x) => x.postgres?.port === params.port);
  if (!c) return fail(`no running postgres container answers psql on port ${params.port}`, expected, concept);
  const pg = c.postgres!;
  const mount = (c.mounts ?? []).find((m) => m.destination === dataDir);
  const evidence = {containerId: c.id, created: c.created, initdbAt: pg.initdbAt, mount, tables: pg.tables ?? []};
  if (!pg.connected) return fail(`psql through port ${params.port} failed: ${pg.error}`, expected, concept, evidence);
  const made = Date.parse(c.created) / 1000;
  if (pg.initdbAt === undefined || pg.initdbAt >= Math.floor(made)) {
    return fail(`the database in container ${c.name} was initialised by that container itself (initdb after it was created): nothing was kept from an earlier one`, expected, concept, evidence);
  }
  if (!(pg.tables ?? []).includes(params.table)) return fail(`container ${c.name} has older data, but no table ${params.table}`, expected, concept, evidence);
  const removed = snapshot.engine.events.some((e) => e.Type === 'container' && e.Action === 'destroy' && e.Actor.ID !== c.id && (e.Actor.Attributes.image === params.image || e.Actor.Attributes.image === `${params.image}:latest`));
  if (!removed) return fail(`container ${c.name} has the data, but no postgres container was removed (docker rm) before it`, expected, concept, evidence);
  return pass(`container ${c.name} was created after the database (${mount ? `${mount.type} ${mount.name ?? mount.source}` : 'its data dir'}) was initialised, and the table ${params.table} is still there`, expected, concept, evidence);
});
