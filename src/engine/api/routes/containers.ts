/** Container endpoints: create, list, inspect, start/stop/kill/restart, rm, rename, prune, top, diff, commit. */
import {changes} from '../../containers/changes.js';
import {commitContainer} from '../../containers/commit.js';
import type {CreateRequest} from '../../containers/create.js';
import type {ContainerRecord} from '../../model/container.js';
import {rwLayerPaths} from '../../containers/rw-layer.js';
import {containerSizes} from '../../containers/size.js';
import type {UpdateRequest} from '../../containers/update.js';
import {inspect, summary} from '../../containers/views.js';
import type {Engine} from '../../composition/engine.js';
import type {ContainerConfig} from '../../model/image-config.js';
import {formatReference, parseReference, withDefaultTag} from '../../images/reference.js';
import {invalidArgument, notFound} from '../../errors.js';
import {commitConfig, containerCreate, containerUpdate} from '../bodies/container-types.js';
import {containerNetworkSettings, withShortIdAliases} from '../../network/views.js';
import {compareVersions} from '../version.js';
import {readTypedBody} from '../request-body.js';
import {checkFilterNames, parseFilters, queryBool, sendJson, sendNoContent} from '../respond.js';
import type {Router} from '../router.js';

function matchesFilters(engine: Engine, c: ContainerRecord, filters: Map<string, string[]>): boolean {
  const any = (name: string, test: (v: string) => boolean) => !filters.has(name) || filters.get(name)!.some(test);
  return (
    any('id', (v) => c.ID.startsWith(v)) &&
    any('name', (v) => new RegExp(v).test(c.Name.slice(1))) &&
    any('status', (v) => c.State.Status === v) &&
    any('health', (v) => (c.State.Health?.Status ?? 'none') === v) &&
    any('volume', (v) => Object.values(c.MountPoints ?? {}).some((m) => m.Name === v || m.Destination === v)) &&
    any('exited', (v) => !c.State.Running && c.State.Status === 'exited' && c.State.ExitCode === Number(v)) &&
    // Labels must all match, as dockerd's filter does (Compose finds a service's containers with two).
    (filters.get('label') ?? []).every((v) => {
      const eq = v.indexOf('=');
      const labels = c.Config.Labels ?? {};
      return eq < 0 ? v in labels : labels[v.slice(0, eq)] === v.slice(eq + 1);
    }) &&
    any('network', (v) => Object.entries(containerNetworkSettings(c).Networks).some(([name, e]) => name === v || (e.NetworkID !== '' && e.NetworkID.startsWith(v)))) &&
    any('ancestor', (v) => {
      const image = engine.images.find(v);
      return image !== undefined && c.Image === image.id;
    })
  );
}

export function containerRoutes(router: Router, engine: Engine): void {
  const containers = engine.containers;
  const store = containers.store;

  router.get('/containers/json', async ({res, query}) => {
    const filters = parseFilters(query);
    checkFilterNames(filters, ['id', 'name', 'status', 'exited', 'label', 'ancestor', 'before', 'since', 'network', 'volume', 'health', 'isolation', 'publish', 'expose', 'is-task']);
    const all = queryBool(query, 'all') || filters.has('status') || filters.has('exited');
    let list = store.all().filter((c) => (all || c.State.Running) && matchesFilters(engine, c, filters));
    const limit = Number(query.get('limit') ?? -1);
    if (limit > 0) list = list.slice(0, limit);
    const withSize = queryBool(query, 'size');
    // In a list, as in dockerd's summary, a size of 0 is left out (inspect shows it).
    const sizes = async (c: (typeof list)[number]) => Object.fromEntries(Object.entries(await containerSizes(c, engine.images)).filter(([, n]) => n !== 0));
    sendJson(res, 200, await Promise.all(list.map(async (c) => ({...summary(c), ...(withSize ? await sizes(c) : {})}))));
  });

  router.post('/containers/create', async ({req, res, query}) => {
    const body = await readTypedBody<CreateRequest>(req, containerCreate);
    // dockerd decodes the empty body and answers its decoder's words.
    if (!body) throw invalidArgument('EOF');
    const c = containers.create(body, query.get('name') || null);
    await containers.persisted(c.ID);
    sendJson(res, 201, {Id: c.ID, Warnings: []});
  });

  router.post('/containers/prune', async ({res, query}) => {
    const filters = parseFilters(query);
    checkFilterNames(filters, ['until', 'label']);
    const until = filters.get('until')?.[0];
    const candidates = store.all().filter((c) => matchesFilters(engine, c, new Map([...filters].filter(([k]) => k === 'label'))) && !(until && Date.parse(c.Created) / 1000 >= Number(until)));
    const {deleted, reclaimed} = await containers.prune(candidates);
    engine.events.emit('container', 'prune', '', {reclaimed: String(reclaimed)});
    sendJson(res, 200, {ContainersDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed});
  });

  // Any name, slashes too, as dockerd's {name:.*}: `docker inspect 127.0.0.1:5000/repo:tag` asks here first and, on
  // "No such container", asks for the image; a 405 would stop it there.
  router.get('/containers/{id*}/json', async ({res, params, query, version}) => {
    const c = store.get(params.id);
    const view = inspect(c, engine.images.layers);
    if (compareVersions(version, '1.45') < 0) view.NetworkSettings = withShortIdAliases(view.NetworkSettings, c.ID);
    sendJson(res, 200, {...view, ...(queryBool(query, 'size') ? await containerSizes(c, engine.images) : {})});
  });

  router.post('/containers/{id}/start', async ({res, params}) => {
    const result = await containers.start(params.id);
    sendNoContent(res, result === 'already' ? 304 : 204);
  });

  router.post('/containers/{id}/stop', async ({res, params, query}) => {
    const t = query.get('t') ?? query.get('timeout');
    const stopped = await containers.stop(params.id, t === null ? undefined : Number(t), query.get('signal') ?? undefined);
    sendNoContent(res, stopped ? 204 : 304);
  });

  router.post('/containers/{id}/restart', async ({res, params, query}) => {
    const t = query.get('t');
    await containers.restart(params.id, t === null ? undefined : Number(t));
    sendNoContent(res);
  });

  router.post('/containers/{id}/update', async ({req, res, params}) => {
    const body = await readTypedBody<UpdateRequest>(req, containerUpdate);
    if (!body || typeof body !== 'object') throw invalidArgument('update configuration is required');
    const warnings = await containers.update(params.id, body);
    // dockerd's update answers null when it has nothing to warn of.
    sendJson(res, 200, {Warnings: warnings.length > 0 ? warnings : null});
  });

  router.post('/containers/{id}/pause', async ({res, params}) => {
    await containers.pause(params.id);
    sendNoContent(res);
  });

  router.post('/containers/{id}/unpause', async ({res, params}) => {
    await containers.unpause(params.id);
    sendNoContent(res);
  });

  router.post('/containers/{id}/kill', async ({res, params, query}) => {
    await containers.kill(params.id, query.get('signal') || 'SIGKILL');
    sendNoContent(res);
  });

  router.delete('/containers/{id}', async ({res, params, query}) => {
    if (queryBool(query, 'link')) return removeLink(params.id, res);
    await containers.remove(params.id, {force: queryBool(query, 'force'), volumes: queryBool(query, 'v')});
    sendNoContent(res);
  });

  // `docker rm --link /parent/alias`: the link's name holds slashes, so it spans path segments.
  router.delete('/containers/{link*}', async ({res, params, query}) => {
    if (!queryBool(query, 'link')) throw notFound(`No such container: ${params.link}`);
    await removeLink(params.link, res);
  });

  async function removeLink(ref: string, res: Parameters<typeof sendNoContent>[0]): Promise<void> {
    const name = ref.replace(/^\/+/, '');
    const slash = name.lastIndexOf('/');
    const parent = slash > 0 ? store.find(name.slice(0, slash)) : undefined;
    const links = parent?.HostConfig.Links ?? [];
    const i = links.findIndex((l) => l.endsWith(`:/${name}`));
    if (!parent || i < 0) throw notFound(`No such container: ${name}`);
    const rest = links.filter((_, k) => k !== i);
    parent.HostConfig.Links = rest.length > 0 ? rest : null;
    await store.save(parent);
    sendNoContent(res);
  }

  router.post('/containers/{id}/rename', ({res, params, query}) => {
    const name = query.get('name');
    if (!name) throw invalidArgument('a new name is required');
    containers.rename(params.id, name);
    sendNoContent(res);
  });

  router.get('/containers/{id}/top', async ({res, params, query}) => {
    sendJson(res, 200, await containers.top(params.id, query.get('ps_args') || '-ef'));
  });

  router.get('/containers/{id}/changes', ({res, params}) => {
    const c = store.get(params.id);
    const rw = rwLayerPaths(engine.images.layers, c.MountID);
    const lowers = rw.lower.split(':').map((l) => `${engine.images.layers.driverRoot}/${l}`);
    sendJson(res, 200, changes(rw.upper, lowers));
  });

  router.post('/commit', async ({req, res, query}) => {
    const c = store.get(query.get('container') ?? '');
    const config = await readTypedBody<ContainerConfig>(req, commitConfig);
    const id = await commitContainer(engine.images, c, {author: query.get('author') ?? undefined, comment: query.get('comment') ?? undefined, config, changes: query.getAll('changes')});
    const repo = query.get('repo');
    if (repo) {
      const ref = withDefaultTag(parseReference(`${repo}:${query.get('tag') || 'latest'}`));
      engine.images.tag(id, ref);
      engine.events.emit('image', 'tag', id, {name: formatReference(ref)});
    }
    engine.events.emit('container', 'commit', c.ID, {name: c.Name.slice(1), imageID: id});
    sendJson(res, 201, {Id: id});
  });
}
