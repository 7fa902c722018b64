/**
 * This engine has no swarm mode: the swarm endpoints answer as a dockerd that is not in a swarm (503 and its
 * words), with and without the version prefix, so SDKs and Compose read "no swarm" instead of "no such endpoint".
 */
import test from 'ava';
import {apiRequest} from '../helpers/api-request.js';
import {startTestEngine, type TestEngine} from '../helpers/engine.js';
import {when} from '../helpers/needs.js';
import {needsDockerd, startReferenceDockerd} from '../helpers/reference-dockerd.js';

const notManager = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

const requests: Array<[method: string, path: string, message: string]> = [
  ['GET', '/swarm', notManager],
  ['GET', '/swarm/unlockkey', notManager],
  ['POST', '/swarm/leave', 'This node is not part of a swarm'],
  ['GET', '/services', notManager],
  ['GET', '/services/web', notManager],
  ['DELETE', '/services/web', notManager],
  ['POST', '/services/create', notManager],
  ['GET', '/nodes', notManager],
  ['GET', '/tasks', notManager],
  ['GET', '/secrets', notManager],
  ['POST', '/secrets/create', notManager],
  ['GET', '/configs', notManager],
  ['GET', '/configs/abc', notManager],
];
const versioned = (prefix: string) => requests.map(([m, p, message]) => [m, `${prefix}${p}`, message] as const);

async function answers(socket: string) {
  const out: Array<{request: string; status: number; json: unknown}> = [];
  for (const [method, path] of [...versioned(''), ...versioned('/v1.41')]) {
    const a = await apiRequest(socket, method, path, method === 'POST' ? {body: '{}'} : {});
    out.push({request: `${method} ${path}`, status: a.status, json: a.json});
  }
  return out;
}

const expected = [...versioned(''), ...versioned('/v1.41')].map(([method, path, message]) => ({request: `${method} ${path}`, status: 503, json: {message}}));

let engine: TestEngine | undefined;
test.after.always(async () => engine?.stop());

test('the swarm endpoints answer 503 "not a swarm manager"', async (t) => {
  engine = await startTestEngine();
  t.deepEqual(await answers(engine.socket), expected);
  const cli = await engine.docker(['service', 'ls']);
  t.not(cli.code, 0);
  t.regex(cli.stderr, /This node is not a swarm manager/);
});

when(needsDockerd)('dockerd answers them the same way', async (t) => {
  const dockerd = await startReferenceDockerd();
  try {
    t.deepEqual(await answers(dockerd.socket), expected);
  } finally {
    await dockerd.stop();
  }
});
