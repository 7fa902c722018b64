/** Network endpoints: list, inspect, create, remove, prune (`docker network ...`). */
import type {Engine} from '../../composition/engine.js';
import {builtinNames, type NetworkRecord} from '../../network/networks.js';
import {createNetwork, pruneNetworks, removeNetwork, type NetworkCreateRequest} from '../../network/user-networks.js';
import {networkView} from '../../network/views.js';
import {invalidArgument, notFound} from '../../errors.js';
import type {EndpointConfig} from '../../model/network-settings.js';
import {connectContainer, disconnectContainer, forceRemoveEndpoint} from '../../network/attach.js';
import {networkConnect, networkCreate, networkDisconnect} from '../bodies/other-types.js';
import {readTypedBody} from '../request-body.js';
import {checkFilterNames, parseFilters, sendJson, sendNoContent} from '../respond.js';
import type {Router} from '../router.js';

function labelsMatch(n: NetworkRecord, wanted: string[]): boolean {
  return wanted.every((v) => {
    const [k, val] = v.split('=');
    return val === undefined ? k in n.Labels : n.Labels[k] === val;
  });
}

export function networkRoutes(router: Router, engine: Engine): void {
  const net = engine.network;
  const containers = () => engine.containers.store.all();

  router.get('/networks', ({res, query}) => {
    const filters = parseFilters(query);
    checkFilterNames(filters, ['name', 'id', 'driver', 'type', 'label', 'scope', 'dangling']);
    const any = (name: string, test: (v: string) => boolean) => !filters.has(name) || filters.get(name)!.some(test);
    const inUse = new Set(containers().flatMap((c) => Object.values(c.NetworkSettings?.Networks ?? {}).map((e) => e.NetworkID)));
    const list = net.networks.all().filter((n) =>
      any('name', (v) => n.Name.includes(v)) &&
      any('id', (v) => n.Id.startsWith(v)) &&
      any('driver', (v) => n.Driver === v) &&
      any('scope', (v) => v === 'local') &&
      any('type', (v) => (v === 'builtin') === builtinNames.includes(n.Name)) &&
      any('dangling', (v) => (/^(1|true)$/i.test(v)) === (!builtinNames.includes(n.Name) && !inUse.has(n.Id))) &&
      (!filters.has('label') || labelsMatch(n, filters.get('label')!)),
    );
    sendJson(res, 200, list.map((n) => networkView(n, null, net.bindIp)));
  });

  router.get('/networks/{id}', ({res, params}) => {
    sendJson(res, 200, networkView(net.networks.get(params.id), containers(), net.bindIp));
  });

  router.post('/networks/create', async ({req, res}) => {
    const body = await readTypedBody<NetworkCreateRequest>(req, networkCreate);
    if (!body) throw invalidArgument('invalid name: ');
    const n = await createNetwork(net, body);
    engine.events.emit('network', 'create', n.Id, {name: n.Name, type: n.Driver});
    sendJson(res, 201, {Id: n.Id, Warning: ''});
  });

  router.delete('/networks/{id}', async ({res, params}) => {
    const n = net.networks.get(params.id);
    await removeNetwork(net, n.Id);
    engine.events.emit('network', 'destroy', n.Id, {name: n.Name, type: n.Driver});
    sendNoContent(res);
  });

  router.post('/networks/prune', async ({res, query}) => {
    const filters = parseFilters(query);
    checkFilterNames(filters, ['until', 'label']);
    const until = filters.get('until')?.[0];
    const keep = (n: NetworkRecord) =>
      (filters.has('label') && !labelsMatch(n, filters.get('label')!)) || (until !== undefined && Date.parse(n.Created) / 1000 >= Number(until));
    const removed = await pruneNetworks(net, keep);
    sendJson(res, 200, {NetworksDeleted: removed});
  });

  router.post('/networks/{id}/connect', async ({req, res, params}) => {
    const body = await readTypedBody<{Container?: string; EndpointConfig?: EndpointConfig | null}>(req, networkConnect);
    const n = net.networks.get(params.id);
    const c = engine.containers.store.get(body?.Container ?? '');
    await connectContainer(net, c, n, body?.EndpointConfig ?? {});
    await engine.containers.store.save(c);
    engine.events.emit('network', 'connect', n.Id, {container: c.ID, name: n.Name, type: n.Driver});
    sendNoContent(res, 200);
  });

  router.post('/networks/{id}/disconnect', async ({req, res, params}) => {
    const body = await readTypedBody<{Container?: string; Force?: boolean}>(req, networkDisconnect);
    const n = net.networks.get(params.id);
    const ref = body?.Container ?? '';
    const c = engine.containers.store.find(ref);
    if (!c) {
      // --force: the endpoint of a container this engine no longer has is removed all the same.
      if (body?.Force) {
        if (await forceRemoveEndpoint(net, ref, n)) return sendNoContent(res, 200);
        throw notFound(`endpoint ${ref} not found`);
      }
      throw notFound(`No such container: ${ref}`);
    }
    await disconnectContainer(net, c, n);
    await engine.containers.store.save(c);
    engine.events.emit('network', 'disconnect', n.Id, {container: c.ID, name: n.Name, type: n.Driver});
    sendNoContent(res, 200);
  });
}
