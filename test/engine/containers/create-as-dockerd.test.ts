/**
 * What `docker create` stores and inspect shows, compared with Debian's dockerd given the same request: every key
 * dockerd always returns (HostConfig.Runtime, ShmSize, IpcMode, MaskedPaths, ...) with its value, and an `Env`
 * entry without `=`, which dockerd treats as "unset this variable" (never a lookup in the engine's environment).
 */
import test from 'ava';
import {apiRequest} from '../../helpers/api-request.js';
import {bothEngines} from '../../helpers/both-engines.js';
import {when} from '../../helpers/needs.js';
import {needsDockerd} from '../../helpers/reference-dockerd.js';

const engines = bothEngines(test);
const both = () => [engines.dockerd, engines.labd] as const;

/** Every path of a JSON value, arrays' items collapsed to []. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v) => keyPaths(v, `${prefix}[]`))];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
  return [prefix];
}
const uniqueSorted = (list: string[]) => [...new Set(list)].sort();

/** Values that differ between any two containers, or that name the engine's own paths and networks. */
const varying = ['Id', 'Created', 'Name', 'Image', 'ResolvConfPath', 'HostnamePath', 'HostsPath', 'LogPath', 'Config.Hostname', 'GraphDriver', 'NetworkSettings', 'HostConfig.MaskedPaths', 'HostConfig.ReadonlyPaths'];
function withoutVarying(doc: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(doc) as Record<string, Record<string, unknown>>;
  for (const path of varying) {
    const [top, inner] = path.split('.');
    if (inner) delete copy[top]?.[inner];
    else delete copy[top];
  }
  return copy;
}

when(needsDockerd, test)('inspect of a plain docker create has the keys and values dockerd shows', async (t) => {
  const docs = [];
  for (const engine of both()) {
    const create = await engine.docker(['create', '--name', 'plain', 'busybox', 'true']);
    t.is(create.code, 0, create.stderr);
    docs.push(JSON.parse((await engine.docker(['inspect', 'plain'])).stdout)[0] as Record<string, unknown>);
  }
  const [ref, lab] = docs.map((d) => uniqueSorted(keyPaths(withoutVarying(d))));
  t.deepEqual(lab, ref, 'the same keys');
  t.deepEqual(withoutVarying(docs[1]), withoutVarying(docs[0]), 'the same values');
  const hostConfig = docs[1].HostConfig as Record<string, unknown>;
  t.is(hostConfig.Runtime, 'runc');
  t.true(Array.isArray(hostConfig.MaskedPaths) && hostConfig.MaskedPaths.includes('/proc/kcore'), 'the masked paths the runtime applies');
  t.deepEqual(hostConfig.ReadonlyPaths, (docs[0].HostConfig as Record<string, unknown>).ReadonlyPaths);
});

when(needsDockerd, test)('a privileged container shows no masked paths, as on dockerd', async (t) => {
  const shown = [];
  for (const engine of both()) {
    t.is((await engine.docker(['create', '--privileged', '--name', 'priv', 'busybox', 'true'])).code, 0);
    const h = JSON.parse((await engine.docker(['inspect', 'priv'])).stdout)[0].HostConfig;
    shown.push({masked: h.MaskedPaths, readonly: h.ReadonlyPaths, runtime: h.Runtime});
  }
  t.deepEqual(shown[1], shown[0]);
});

when(needsDockerd, test)('an Env entry without "=" unsets the variable: stored as sent, the image\'s and the default dropped', async (t) => {
  // The engine's own environment must never leak in, whatever it holds.
  process.env.LAB_LEAK_PROBE = 'leaked';
  const body = JSON.stringify({Image: 'busybox', Env: ['LAB_LEAK_PROBE', 'HOSTNAME', 'BAR=1', 'TERM=dumb'], Cmd: ['env']});
  const results = [];
  for (const engine of both()) {
    const created = await apiRequest(engine.socket, 'POST', '/v1.41/containers/create?name=unset', {body});
    t.is(created.status, 201, created.body);
    const env = JSON.parse((await engine.docker(['inspect', 'unset'])).stdout)[0].Config.Env;
    const run = await engine.docker(['start', '-a', 'unset']);
    t.is(run.code, 0, run.stderr);
    results.push({env, seen: run.stdout.split('\n').filter(Boolean).sort()});
  }
  t.deepEqual(results[1], results[0]);
  t.deepEqual(results[1].env, ['LAB_LEAK_PROBE', 'HOSTNAME', 'BAR=1', 'TERM=dumb', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  t.false(results[1].seen.some((l) => l.startsWith('LAB_LEAK_PROBE=') || l.startsWith('HOSTNAME=')));
});

when(needsDockerd, test)('"PATH" alone removes the image\'s PATH and the default one: the start fails as on dockerd', async (t) => {
  const body = JSON.stringify({Image: 'busybox', Env: ['PATH'], Cmd: ['sh', '-c', 'true']});
  const errors = [];
  for (const engine of both()) {
    t.is((await apiRequest(engine.socket, 'POST', '/v1.41/containers/create?name=nopath', {body})).status, 201);
    t.deepEqual(JSON.parse((await engine.docker(['inspect', 'nopath'])).stdout)[0].Config.Env, ['PATH']);
    const start = await engine.docker(['start', 'nopath']);
    t.not(start.code, 0);
    errors.push(/executable file not found in \$PATH/.test(start.stderr));
  }
  t.deepEqual(errors, [true, true]);
});

when(needsDockerd, test)('exec: an Env entry without "=" unsets the container\'s variable for that process', async (t) => {
  const seen = [];
  for (const engine of both()) {
    t.is((await engine.docker(['run', '-d', '--name', 'execenv', '-e', 'KEEP=1', '-e', 'DROP=2', 'busybox', 'sleep', '60'])).code, 0);
    const exec = await apiRequest(engine.socket, 'POST', '/v1.41/containers/execenv/exec', {body: JSON.stringify({Cmd: ['env'], Env: ['DROP', 'NEW=3'], AttachStdout: true})});
    const id = (exec.json as {Id: string}).Id;
    const out = await apiRequest(engine.socket, 'POST', `/v1.41/exec/${id}/start`, {body: JSON.stringify({Detach: false, Tty: true})});
    seen.push(out.body.split('\n').filter((l) => /^(KEEP|DROP|NEW)=/.test(l)).sort());
    await engine.docker(['rm', '-f', 'execenv']);
  }
  t.deepEqual(seen[1], seen[0]);
  t.deepEqual(seen[1], ['KEEP=1', 'NEW=3']);
});
