/**
 * Copies into and out of a stopped container, one right after the other and several at once: each mounts the
 * container's root for its time, and a copy that arrives while the last one is still unmounting must wait and mount
 * afresh. Before, such a copy found the root "still mounted", wrote into the bare directory under it, answered 200,
 * and the file was gone at the next mount.
 */
import test from 'ava';
import {apiRequest} from '../helpers/api-request.js';
import {makeTar} from '../helpers/archive.js';
import {busyboxEngine} from '../helpers/busybox-engine.js';
import {isRoot, when} from '../helpers/needs.js';

const engine = busyboxEngine(test);

const put = async (name: string) => {
  const body = await makeTar([{name, content: `${name}\n`}]);
  const r = await apiRequest(engine.socket, 'PUT', `/v1.41/containers/overlap/archive?path=%2Fdrop`, {body, contentType: 'application/x-tar'});
  return r.status === 200 ? 200 : `${r.status} ${r.body}`;
};
const get = async (name: string) => {
  const r = await apiRequest(engine.socket, 'GET', `/v1.41/containers/overlap/archive?path=${encodeURIComponent(`/drop/${name}`)}`);
  return r.status === 200 ? r.body.slice(512).replace(/\0.*$/s, '') : `${r.status} ${r.body}`;
};

when({'needs root': isRoot}, test)('back-to-back and overlapping copies on a stopped container all land in its root', async (t) => {
  const run = await engine.docker(['run', '--network', 'none', '--name', 'overlap', 'busybox', 'mkdir', '/drop']);
  t.is(run.code, 0, run.stderr);
  const lost: string[] = [];
  for (let i = 0; i < 15; i++) {
    // A put, then reads sent while the put's unmount may still be under way, then two puts at once.
    t.is(await put(`seq-${i}`), 200);
    for (let j = 0; j < 4; j++) {
      const got = await get(`seq-${i}`);
      if (got !== `seq-${i}\n`) lost.push(`seq-${i} read ${j}: ${got}`);
    }
    const [a, b] = await Promise.all([get(`seq-${i}`), get(`seq-${i}`)]);
    for (const got of [a, b]) if (got !== `seq-${i}\n`) lost.push(`seq-${i} read at once: ${got}`);
    t.deepEqual(await Promise.all([put(`par-${i}-a`), put(`par-${i}-b`)]), [200, 200]);
  }
  const listing = await apiRequest(engine.socket, 'GET', '/v1.41/containers/overlap/archive?path=%2Fdrop');
  t.is(listing.status, 200);
  for (let i = 0; i < 15; i++) {
    for (const name of [`seq-${i}`, `par-${i}-a`, `par-${i}-b`]) if (!listing.body.includes(`drop/${name}\0`)) lost.push(`${name}: not in the root`);
  }
  t.deepEqual(lost, [], 'every copy answered 200 is in the container\'s root');
  await engine.docker(['rm', '-f', 'overlap']);
});
