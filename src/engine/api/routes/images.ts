/** The image endpoints the docker CLI calls: list, inspect, history, tag, rmi, prune, save, load. */
import type {Engine} from '../../composition/engine.js';
import {ArchiveError} from '../../images/archive-reader.js';
import {importImage} from '../../images/import.js';
import {loadImages} from '../../images/load.js';
import {parseReference, formatReference, isValidTag, withDefaultTag} from '../../images/reference.js';
import {pruneImages, removeImage, type RemoveHooks} from '../../images/remove.js';
import {planSave, saveImages} from '../../images/save.js';
import {history, inspect, intermediateIds, summary} from '../../images/views.js';
import {LayerError} from '../../layers/index.js';
import {invalidArgument} from '../../errors.js';
import {httpStatus} from '../errors.js';
import {checkFilterNames, parseFilters, queryBool, sendJson} from '../respond.js';
import type {Router} from '../router.js';
import {loadProgress} from './load-progress.js';
import {pullRoute} from './registry.js';

function referenceMatches(pattern: string, ref: string): boolean {
  // `--filter reference=busy*` and `reference=busybox:1.*`: glob on the familiar name, with or without the tag.
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '.') + '$');
  return re.test(ref) || re.test(ref.replace(/:[^:/]*$/, ''));
}

export function imageRoutes(router: Router, engine: Engine): void {
  const store = engine.images;
  const hooks: RemoveHooks = {
    containersUsing: (id) => engine.containersUsingImage(id),
    isRunning: (id) => engine.containers.store.get(id).State.Running,
    emit: (action, id, name) => engine.events.emit('image', action, id, {name}),
  };

  router.get('/images/json', ({res, query, version}) => {
    const filters = parseFilters(query);
    checkFilterNames(filters, ['dangling', 'reference', 'label', 'before', 'since', 'until']);
    const all = queryBool(query, 'all');
    const hidden = all ? new Set<string>() : intermediateIds(store);
    const created = (name: string) => Date.parse(store.resolve(name).config.created ?? '') || 0;
    const dangling = filters.get('dangling')?.[0];
    if (dangling !== undefined && !['true', 'false', '1', '0'].includes(dangling)) throw invalidArgument(`invalid filter 'dangling=${dangling}'`);
    const before = filters.get('before')?.map(created);
    const since = filters.get('since')?.map(created);
    const images = store.all().filter((image) => {
      const tags = store.refs.refsOf(image.id);
      if (hidden.has(image.id)) return false;
      if (dangling !== undefined && (tags.length === 0) !== (dangling === 'true' || dangling === '1')) return false;
      const refPatterns = filters.get('reference');
      if (refPatterns && !tags.some((t) => refPatterns.some((p) => referenceMatches(p, t)))) return false;
      const labels = image.config.config?.Labels ?? {};
      for (const l of filters.get('label') ?? []) {
        const [k, v] = l.split('=');
        if (v === undefined ? !(k in labels) : labels[k] !== v) return false;
      }
      const t = Date.parse(image.config.created ?? '') || 0;
      if (before && !before.every((b) => t < b)) return false;
      if (since && !since.every((s) => t > s)) return false;
      return true;
    });
    images.sort((a, b) => (Date.parse(b.config.created ?? '') || 0) - (Date.parse(a.config.created ?? '') || 0));
    const refPatterns = filters.get('reference');
    // With a reference filter dockerd lists only the tags that match it.
    const shown = (i: (typeof images)[number]) => {
      const s = summary(store, i, version);
      if (refPatterns) s.RepoTags = (s.RepoTags as string[]).filter((t) => refPatterns.some((p) => referenceMatches(p, t)));
      return s;
    };
    sendJson(res, 200, images.map(shown));
  });

  router.get('/images/get', async ({res, query}) => saveTo(res, query.getAll('names')));
  router.get('/images/{name*}/get', async ({res, params}) => saveTo(res, [params.name]));

  async function saveTo(res: import('node:http').ServerResponse, names: string[]) {
    if (names.length === 0) throw invalidArgument('no image names given to save');
    const plan = planSave(store, names);
    res.writeHead(200, {'Content-Type': 'application/x-tar'});
    await saveImages(store, plan, res);
    for (const p of plan) engine.events.emit('image', 'save', p.image.id, {name: p.refs.map(formatReference)[0] ?? p.image.id});
  }

  router.post('/images/load', async ({req, res, query}) => {
    // dockerd answers 200 whatever the archive holds and reports a refusal in the JSON stream, where the CLI
    // prints it as the load's error; so does this engine. Progress (unless quiet) goes out as the layers arrive.
    let started = false;
    const send = (message: object) => {
      if (!started) res.writeHead(200, {'Content-Type': 'application/json'});
      started = true;
      res.write(JSON.stringify(message) + '\n');
    };
    const quiet = queryBool(query, 'quiet');
    let result;
    try {
      result = await loadImages(store, req, (stream) => send({stream}), quiet ? undefined : loadProgress(send));
    } catch (error) {
      const refused = error instanceof ArchiveError || error instanceof LayerError ? invalidArgument(`invalid image archive: ${(error as Error).message}`) : error;
      if (httpStatus(refused) >= 500) engine.log.error('image load failed', {error: (error as Error).stack ?? String(error)});
      const message = (refused as Error).message ?? String(refused);
      send({errorDetail: {message}, error: message});
      res.end();
      return;
    }
    for (const image of result.images) engine.events.emit('image', 'load', image.id, {name: image.tags[0] ?? image.id});
    if (!started) res.writeHead(200, {'Content-Type': 'application/json'});
    res.end();
  });

  router.post('/images/prune', ({res, query}) => {
    const filters = parseFilters(query);
    checkFilterNames(filters, ['dangling', 'until', 'label']);
    const dangling = filters.get('dangling')?.[0] ?? 'true';
    const until = filters.get('until')?.[0];
    const untilSeconds = until === undefined ? undefined : /^\d+(\.\d+)?$/.test(until) ? Number(until) : Date.parse(until) / 1000;
    if (untilSeconds !== undefined && Number.isNaN(untilSeconds)) throw invalidArgument(`invalid filter 'until=${until}'`);
    const result = pruneImages(store, {all: dangling === 'false' || dangling === '0', until: untilSeconds, labels: filters.get('label') ?? []}, hooks);
    engine.events.emit('image', 'prune', '', {reclaimed: String(result.SpaceReclaimed)});
    sendJson(res, 200, result);
  });

  router.post('/images/create', async ({req, res, query}) => {
    const source = query.get('fromSrc');
    if (source === '-') {
      // `docker import`: the body is the root filesystem tar.
      let id: string;
      try {
        id = await importImage(store, req, {changes: query.getAll('changes'), message: query.get('message') ?? undefined, source: '-'});
      } catch (error) {
        if (error instanceof LayerError) throw invalidArgument(`invalid root filesystem archive: ${error.message}`);
        throw error;
      }
      const repo = query.get('repo');
      if (repo) {
        // The CLI sends `name:tag` whole in repo; an explicit tag parameter wins.
        const parsed = parseReference(repo);
        const ref = withDefaultTag({...parsed, tag: query.get('tag') || parsed.tag});
        store.tag(id, ref);
      }
      engine.events.emit('image', 'import', id, {name: repo ?? id});
      res.writeHead(200, {'Content-Type': 'application/json'});
      res.end(JSON.stringify({status: id}) + '\n');
      return;
    }
    if (source) throw invalidArgument(`importing from a URL (fromSrc=${source}) is not supported: send the archive itself (docker import FILE)`);
    await pullRoute(engine, req, res, query);
  });

  router.get('/images/{name*}/json', ({res, params, version}) => sendJson(res, 200, inspect(store, store.resolve(params.name), version)));
  router.get('/images/{name*}/history', ({res, params}) => sendJson(res, 200, history(store, store.resolve(params.name))));

  router.post('/images/{name*}/tag', ({res, params, query}) => {
    const image = store.resolve(params.name);
    const repo = query.get('repo') ?? '';
    const tag = query.get('tag') || 'latest';
    if (!isValidTag(tag)) throw invalidArgument(`invalid tag format`);
    const ref = withDefaultTag(parseReference(`${repo}:${tag}`));
    if (ref.digest) throw invalidArgument('refusing to create a tag with a digest reference');
    store.tag(image.id, ref);
    engine.events.emit('image', 'tag', image.id, {name: formatReference(ref)});
    res.writeHead(201);
    res.end();
  });

  router.delete('/images/{name*}', ({res, params, query}) => {
    const out = removeImage(store, params.name, {force: queryBool(query, 'force'), prune: !queryBool(query, 'noprune')}, hooks);
    sendJson(res, 200, out);
  });
}
