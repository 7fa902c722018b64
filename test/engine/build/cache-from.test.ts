/**
 * `docker build --cache-from`, through the stock docker CLI's classic builder: a loaded image with no intermediate
 * images is the cache for the same Dockerfile (every step "Using cache", the very same image), while a build
 * without it runs the steps again; once --cache-from is given, other local images are not the cache; a name that
 * is no image is skipped.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {busyboxEngine} from '../../helpers/busybox-engine.js';

const engine = busyboxEngine(test);
let context: string;
test.before(() => {
  context = mkdtempSync(join(tmpdir(), 'lab-cache-from-'));
  writeFileSync(join(context, 'Dockerfile'), 'FROM busybox\nRUN echo one > /one\nENV STEP=2\nRUN echo two > /two\n');
});
test.after.always(() => context && rmSync(context, {recursive: true, force: true}));

const ok = async (args: string[]) => {
  const r = await engine.docker(args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const imageId = async (name: string) => (await ok(['image', 'inspect', '-f', '{{.Id}}', name])).trim();
const cacheHits = (output: string) => output.match(/Using cache/g)?.length ?? 0;

test.serial('a loaded image is the cache of the same Dockerfile only when named with --cache-from', async (t) => {
  await ok(['build', '-t', 'cf:1', context]);
  const first = await imageId('cf:1');
  const archive = join(context, 'cf.tar');
  await ok(['save', '-o', archive, 'cf:1']);
  await ok(['rmi', 'cf:1']);
  await ok(['load', '-i', archive]);

  const without = await ok(['build', '-t', 'cf:2', context]);
  t.is(cacheHits(without), 0, 'the loaded image has no intermediate images: nothing is cached');
  t.not(await imageId('cf:2'), first);

  // cf:2's own intermediate images are local cache now, but --cache-from names cf:1 only.
  const withCache = await ok(['build', '--cache-from', 'cf:1', '-t', 'cf:3', context]);
  t.is(cacheHits(withCache), 3, withCache);
  t.is(await imageId('cf:3'), first, 'the very image that was loaded');
  t.is((await ok(['history', '-q', 'cf:3'])).trim().split('\n').length, (await ok(['history', '-q', first])).trim().split('\n').length);

  const unknown = await ok(['build', '--cache-from', 'nosuch:1', '-t', 'cf:4', context]);
  t.is(cacheHits(unknown), 0, 'a name that is no image is skipped, and nothing else is the cache');
});
