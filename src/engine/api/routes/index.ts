/** Every route of the Engine API on one router. */
import type {Engine} from '../../composition/engine.js';
import {Router} from '../router.js';
import {buildRoutes} from './build.js';
import {containerArchiveRoutes} from './container-archive.js';
import {containerIoRoutes} from './container-io.js';
import {containerStatsRoutes} from './container-stats.js';
import {containerRoutes} from './containers.js';
import {execRoutes} from './exec.js';
import {imageRoutes} from './images.js';
import {registryRoutes} from './registry.js';
import {networkRoutes} from './networks.js';
import {systemDfRoutes} from './system-df.js';
import {swarmRoutes} from './swarm.js';
import {systemRoutes} from './system.js';
import {volumeRoutes} from './volumes.js';

export function engineRouter(engine: Engine): Router {
  const router = new Router();
  systemRoutes(router, engine);
  registryRoutes(router, engine);
  imageRoutes(router, engine);
  buildRoutes(router, engine);
  containerRoutes(router, engine);
  containerIoRoutes(router, engine);
  containerArchiveRoutes(router, engine);
  systemDfRoutes(router, engine);
  execRoutes(router, engine);
  containerStatsRoutes(router, engine);
  volumeRoutes(router, engine);
  networkRoutes(router, engine);
  swarmRoutes(router);
  return router;
}
