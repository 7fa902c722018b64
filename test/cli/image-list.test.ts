import {mkdtemp, mkdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {runLab} from '../helpers/cli.js';

// `lab image list`: the package's course images, and a course's own recipes from LAB_IMAGE_RECIPES.

test('lab image list shows the course images with their tags', async (t) => {
  const r = await runLab(['image', 'list', '--json']);
  t.is(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as {name: string; tags: string[]; kind: string}[];
  for (const name of ['alpine', 'busybox', 'debian', 'hello-world', 'nginx', 'postgres', 'python', 'redis']) t.truthy(rows.find((row) => row.name === name), name);
  t.deepEqual(rows.find((row) => row.name === 'debian')?.tags, ['debian:bookworm', 'debian:latest']);
  t.is(rows.find((row) => row.name === 'postgres')?.kind, 'debootstrap');
});

test("a course's own recipe folder adds images, and a broken recipe there is named with its JSON path", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lab-course-recipes-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  await mkdir(join(dir, 'tools'));
  const recipe = {name: 'tools', packages: [{name: 'busybox-static'}], rootfs: {copy: [{package: 'busybox-static', from: '/bin/busybox'}]}, image: {tags: ['course/tools:1'], architecture: 'amd64', os: 'linux', config: {Cmd: ['/bin/busybox', 'sh']}}};
  await writeFile(join(dir, 'tools', 'recipe.json'), JSON.stringify(recipe));
  const r = await runLab(['image', 'list'], {LAB_IMAGE_RECIPES: dir});
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^tools\s+packages\s+course\/tools:1$/m);
  t.regex(r.stdout, /^postgres\s+debootstrap\s+postgres:15, postgres:latest$/m);

  const build = await runLab(['image', 'build', 'tools', '--json'], {LAB_IMAGE_RECIPES: dir});
  t.is(build.code, 0, build.stderr);
  t.deepEqual((JSON.parse(build.stdout) as {repoTags: string[]}).repoTags, ['course/tools:1']);

  await writeFile(join(dir, 'tools', 'recipe.json'), JSON.stringify({...recipe, image: {...recipe.image, tags: ['Tools']}}));
  const bad = await runLab(['image', 'list'], {LAB_IMAGE_RECIPES: dir});
  t.not(bad.code, 0);
  t.regex(bad.stderr, /tools\/recipe\.json: invalid recipe:[\s\S]*\$\.image\.tags\[0\]: "Tools" does not match/);
});
