/**
 * GET /containers/{id}/stats: with stream (the default) a sample every second, each carrying the one
 * before as precpu_stats; with stream=false a single sample, taken a second after a first one so CPU%
 * means something (Docker does the same), or at once with one-shot=true.
 */
import {sampleStats, type StatsJson} from '../../containers/stats.js';
import type {Engine} from '../../composition/engine.js';
import {queryBool} from '../respond.js';
import type {Router} from '../router.js';

const interval = 1000;

export function containerStatsRoutes(router: Router, engine: Engine): void {
  const store = engine.containers.store;

  router.get('/containers/{id}/stats', async ({req, res, params, query}) => {
    const c = store.get(params.id);
    const stream = query.get('stream') === null ? true : queryBool(query, 'stream');
    const oneShot = queryBool(query, 'one-shot');
    res.writeHead(200, {'Content-Type': 'application/json'});
    res.flushHeaders();
    let closed = false;
    req.socket.on('close', () => (closed = true));
    const sleep = () => new Promise((resolve) => setTimeout(resolve, interval));
    const current = () => store.find(c.ID) ?? c;
    if (!stream) {
      let previous: StatsJson | undefined;
      if (!oneShot && current().State.Running) {
        previous = sampleStats(current());
        await sleep();
      }
      res.end(JSON.stringify(sampleStats(current(), previous)) + '\n');
      return;
    }
    let previous: StatsJson | undefined;
    while (!closed && !res.writableEnded) {
      const record = store.find(c.ID);
      if (!record) break;
      const sample = sampleStats(record, previous);
      res.write(JSON.stringify(sample) + '\n');
      previous = record.State.Running ? sample : undefined;
      await sleep();
    }
    res.end();
  });
}
