/**
 * `docker push` from labd into a real registry: layers uploaded (or found there already), the manifest put, the
 * digest line the CLI prints; what was pushed is pulled and run by Debian's dockerd.
 */
import test from 'ava';
import {busyboxEngine} from '../../helpers/busybox-engine.js';
import {isRoot, when} from '../../helpers/needs.js';
import {needsDockerd, startReferenceDockerd, type ReferenceDockerd} from '../../helpers/reference-dockerd.js';
import {needsRegistry, startRegistry, type TestRegistry} from '../../helpers/registry.js';

const needs = {'needs root': isRoot, ...needsRegistry, ...needsDockerd};
const serial = when(needs, test.serial);
const engine = busyboxEngine(test);
let registry: TestRegistry;
let dockerd: ReferenceDockerd;

test.before(async () => {
  if (!Object.values(needs).every(Boolean)) return;
  registry = await startRegistry();
  dockerd = await startReferenceDockerd();
});

test.after.always(async () => {
  await dockerd?.stop();
  await registry?.stop();
});

serial('an image pushed by labd is pulled and run by dockerd; later pushes mount or find its layers there', async (t) => {
  const name = `${registry.host}/pushed:1`;
  t.is((await engine.docker(['tag', 'busybox', name])).code, 0);
  const push = await engine.docker(['push', name]);
  t.is(push.code, 0, push.stderr);
  t.regex(push.stdout, new RegExp(`The push refers to repository \\[${registry.host}/pushed\\]`));
  t.regex(push.stdout, /[0-9a-f]{12}: Pushed\n/);
  const digest = /1: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(push.stdout)?.[1];
  t.truthy(digest, push.stdout);
  const inspect = await engine.docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', name]);
  t.true(inspect.stdout.includes(`${registry.host}/pushed@${digest}`));
  const pull = await dockerd.docker(['pull', name]);
  t.is(pull.code, 0, pull.stderr);
  t.true(pull.stdout.includes(`Digest: ${digest}`), pull.stdout);
  const run = await dockerd.docker(['run', '--rm', '--network', 'none', name, 'echo', 'pushed by labd']);
  t.is(run.stdout, 'pushed by labd\n', run.stderr);
  t.is((await engine.docker(['tag', 'busybox', `${registry.host}/other:2`])).code, 0);
  const again = await engine.docker(['push', `${registry.host}/other:2`]);
  t.is(again.code, 0, again.stderr);
  t.regex(again.stdout, /: Mounted from pushed\n/);
  t.true(again.stdout.includes(`2: digest: ${digest}`), 'the same layers give the same blobs, so the same manifest');
  const same = await engine.docker(['push', name]);
  t.is(same.code, 0, same.stderr);
  t.regex(same.stdout, /: Layer already exists\n/);
});

serial('pushing an image that is not here fails as dockerd does', async (t) => {
  const push = await engine.docker(['push', `${registry.host}/absent:1`]);
  t.is(push.code, 1);
  t.regex(push.stderr, /No such image|does not exist locally/);
});
