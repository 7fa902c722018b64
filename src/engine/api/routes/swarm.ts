/**
 * Swarm mode is not part of this engine. Its endpoints answer as a dockerd that is not in a swarm does (503 and
 * its words), so SDKs and Compose that probe them read "no swarm" instead of "no such endpoint".
 */
import {unavailable} from '../../errors.js';
import type {Router} from '../router.js';

const notManager = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

/** The resources only a swarm manager serves; every method on them, and on anything below them. */
const managerResources = ['/swarm', '/services', '/nodes', '/tasks', '/secrets', '/configs'];

export function swarmRoutes(router: Router): void {
  const refuse = (message: string) => () => {
    throw unavailable(message);
  };
  // dockerd would start or join a swarm here; this engine cannot, and says so rather than sending users to init.
  for (const verb of ['init', 'join']) router.post(`/swarm/${verb}`, refuse(`swarm mode is not supported by this engine: "docker swarm ${verb}" cannot be used here`));
  router.post('/swarm/leave', refuse('This node is not part of a swarm'));
  for (const resource of managerResources) {
    for (const method of ['GET', 'POST', 'DELETE']) {
      router.add(method, resource, refuse(notManager));
      router.add(method, `${resource}/{rest*}`, refuse(notManager));
    }
  }
}
