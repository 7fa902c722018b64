/** Volume endpoints: `docker volume create / ls / inspect / rm / prune`. */
import type {Engine} from '../../composition/engine.js';
import {anonymousLabel, type Volume} from '../../volumes/store.js';
import {invalidArgument} from '../../errors.js';
import {volumeCreate} from '../bodies/other-types.js';
import {readTypedBody} from '../request-body.js';
import {checkFilterNames, parseFilters, queryBool, sendJson, sendNoContent} from '../respond.js';
import type {Router} from '../router.js';
import {compareVersions} from '../version.js';

interface CreateBody {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

/** `label=key` or `label=key=value`. */
function labelMatches(v: Volume, filter: string): boolean {
  const [key, ...rest] = filter.split('=');
  const labels = v.Labels ?? {};
  return rest.length === 0 ? key in labels : labels[key] === rest.join('=');
}

const truthy = (value: string) => {
  if (/^(1|true)$/i.test(value)) return true;
  if (/^(0|false)$/i.test(value)) return false;
  throw invalidArgument(`invalid filter 'dangling=${value}'`);
};

export function volumeRoutes(router: Router, engine: Engine): void {
  const volumes = engine.volumes;
  const emit = (action: string, name: string) => engine.events.emit('volume', action, name, {driver: 'local'});

  router.get('/volumes', ({res, query}) => {
    const filters = parseFilters(query);
    checkFilterNames(filters, ['dangling', 'name', 'label', 'driver']);
    const any = (name: string, test: (value: string) => boolean) => !filters.has(name) || filters.get(name)!.some(test);
    const list = volumes.list().filter(
      (v) =>
        any('name', (n) => v.Name.includes(n)) &&
        any('driver', (d) => d === v.Driver) &&
        (filters.get('label') ?? []).every((l) => labelMatches(v, l)) &&
        any('dangling', (d) => truthy(d) === (volumes.usersOf(v.Name).length === 0)),
    );
    sendJson(res, 200, {Volumes: list, Warnings: null});
  });

  router.post('/volumes/create', async ({req, res}) => {
    const body = (await readTypedBody<CreateBody>(req, volumeCreate)) ?? {};
    const {volume, created} = volumes.create({name: body.Name, driver: body.Driver, driverOpts: body.DriverOpts, labels: body.Labels});
    if (created) emit('create', volume.Name);
    sendJson(res, 201, volume);
  });

  router.post('/volumes/prune', ({res, query, version}) => {
    const filters = parseFilters(query);
    checkFilterNames(filters, ['label', 'label!', 'all']);
    // API 1.42 and later: only anonymous volumes unless `all=true`; older clients expect every unused volume gone.
    const all = compareVersions(version, '1.42') < 0 || (filters.get('all') ?? []).some((v) => truthy(v));
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const v of volumes.list()) {
      if (volumes.usersOf(v.Name).length > 0) continue;
      if (!all && v.Labels?.[anonymousLabel] === undefined) continue;
      if (!(filters.get('label') ?? []).every((l) => labelMatches(v, l))) continue;
      if ((filters.get('label!') ?? []).some((l) => labelMatches(v, l))) continue;
      reclaimed += volumes.remove(v.Name);
      emit('destroy', v.Name);
      deleted.push(v.Name);
    }
    engine.events.emit('volume', 'prune', '', {reclaimed: String(reclaimed)});
    sendJson(res, 200, {VolumesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed});
  });

  router.get('/volumes/{name}', ({res, params}) => sendJson(res, 200, volumes.get(params.name)));

  router.delete('/volumes/{name}', ({res, params, query}) => {
    const existed = volumes.find(params.name) !== undefined;
    volumes.remove(params.name, queryBool(query, 'force'));
    if (existed) emit('destroy', params.name);
    sendNoContent(res);
  });
}
