/**
 * `docker system df`: what the store holds and what could be reclaimed. Layers shared by several images count
 * once in LayersSize and as SharedSize for each image that has them; a container's size is its upper dir's
 * (what it changed), a volume's the data under it.
 */
import {summary as containerSummary} from '../../containers/views.js';
import {containerSizes} from '../../containers/size.js';
import type {Engine} from '../../composition/engine.js';
import {summary as imageSummary} from '../../images/views.js';
import {diffSize} from '../../layers/index.js';
import {invalidArgument} from '../../errors.js';
import {sendJson} from '../respond.js';
import type {Router} from '../router.js';

const kinds = ['container', 'image', 'volume', 'build-cache'];

/** Size of a directory's file data; 0 when it is gone (removed while this ran). */
const sizeOf = (dir: string) => diffSize(dir).catch(() => 0);

export function systemDfRoutes(router: Router, engine: Engine): void {
  router.get('/system/df', async ({res, query, version}) => {
    const asked = query.getAll('type');
    for (const t of asked) if (!kinds.includes(t)) throw invalidArgument(`invalid type "${t}": one of ${kinds.join(', ')}`);
    const wants = (kind: string) => asked.length === 0 || asked.includes(kind);
    const images = engine.images;
    const containers = engine.containers.store.all();
    const out: Record<string, unknown> = {};
    if (wants('image')) {
      const users = new Map<string, number>();
      for (const image of images.all()) for (const chain of images.chainOf(image)) users.set(chain, (users.get(chain) ?? 0) + 1);
      const layerSize = (chain: string) => images.layers.get(chain)?.size ?? 0;
      out.LayersSize = [...users.keys()].reduce((sum, chain) => sum + layerSize(chain), 0);
      out.Images = images.all().map((image) => ({
        ...imageSummary(images, image, version),
        Containers: containers.filter((c) => c.Image === image.id).length,
        SharedSize: images.chainOf(image).filter((chain) => users.get(chain)! > 1).reduce((sum, chain) => sum + layerSize(chain), 0),
      }));
    }
    if (wants('container')) {
      out.Containers = await Promise.all(containers.map(async (c) => ({...containerSummary(c), ...(await containerSizes(c, images))})));
    }
    if (wants('volume')) {
      out.Volumes = await Promise.all(engine.volumes.list().map(async (v) => ({
        ...v, UsageData: {Size: await sizeOf(v.Mountpoint), RefCount: engine.volumes.usersOf(v.Name).length},
      })));
    }
    // The classic builder keeps no cache apart from images.
    if (wants('build-cache')) out.BuildCache = [];
    sendJson(res, 200, out);
  });
}
