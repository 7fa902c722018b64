/** `docker container prune` reports the space it freed: the stopped containers' writable layers, as dockerd does. */
import {request} from 'node:http';
import test from 'ava';
import {busyboxEngine} from '../../helpers/busybox-engine.js';

const engine = busyboxEngine(test);

function post(path: string): Promise<{status: number; body: {ContainersDeleted: string[] | null; SpaceReclaimed: number}}> {
  return new Promise((resolve, reject) => {
    const req = request({socketPath: engine.socket, path, method: 'POST'}, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: JSON.parse(text)}));
    });
    req.on('error', reject);
    req.end();
  });
}

const sizeRw = async (name: string): Promise<number> => JSON.parse((await engine.docker(['inspect', '-s', name])).stdout)[0].SizeRw;

test('prune removes the stopped containers and reports the bytes their writable layers held', async (t) => {
  const big = await engine.docker(['run', '--name', 'big', 'busybox', 'dd', 'if=/dev/zero', 'of=/blob', 'bs=1024', 'count=2048']);
  t.is(big.code, 0, big.stderr);
  t.is((await engine.docker(['run', '--name', 'small', 'busybox', 'sh', '-c', 'echo hello > /greeting'])).code, 0);
  t.is((await engine.docker(['run', '-d', '--name', 'alive', 'busybox', 'sleep', '60'])).code, 0);
  const expected = (await sizeRw('big')) + (await sizeRw('small'));
  t.true(expected >= 2 * 1024 * 1024, `the layers hold the 2 MiB written (${expected})`);

  const pruned = await post('/containers/prune');
  t.is(pruned.status, 200);
  t.is(pruned.body.SpaceReclaimed, expected);
  t.is(pruned.body.ContainersDeleted?.length, 2);
  const left = (await engine.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout.trim();
  t.is(left, 'alive', 'the running container stays');
  t.is((await engine.docker(['rm', '-f', 'alive'])).code, 0);
});
