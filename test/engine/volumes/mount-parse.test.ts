/** -v / --mount parsing, tmpfs option merging and the bind guard, without an engine. */
import test from 'ava';
import {mergeTmpfsOptions} from '../../../src/engine/runtime/mounts.js';
import {checkBindSource} from '../../../src/engine/volumes/bind-guard.js';
import {mountRequests, parseApiMount, parseBind} from '../../../src/engine/volumes/mount-point.js';

test('-v forms: bind with modes, named volume, errors with Docker words', (t) => {
  t.like(parseBind('/srv/data:/data:ro,rslave'), {Type: 'bind', Source: '/srv/data', Destination: '/data', RW: false, Mode: 'ro,rslave', Propagation: 'rslave'});
  t.like(parseBind('cache:/var/cache/'), {Type: 'volume', Name: 'cache', Destination: '/var/cache', RW: true, Mode: 'z', CopyData: true});
  t.like(parseBind('cache:/c:nocopy'), {CopyData: false});
  t.throws(() => parseBind('a:b:c:d'), {message: "invalid volume specification: 'a:b:c:d'"});
  t.throws(() => parseBind('/x:relative'), {message: /mount path must be absolute/});
  t.throws(() => parseBind('/x:/'), {message: /destination can't be '\/'/});
  t.throws(() => parseBind('/x:/y:bogus'), {message: 'invalid mode: bogus'});
  t.throws(() => parseBind('bad name:/y'), {message: /includes invalid characters for a local volume name/});
});

test('--mount forms', (t) => {
  t.like(parseApiMount({Type: 'volume', Target: '/v'}), {Type: 'volume', Name: '', Anonymous: true});
  t.like(parseApiMount({Type: 'tmpfs', Target: '/t', TmpfsOptions: {SizeBytes: 1024, Mode: 0o1777}}), {TmpfsOptions: ['size=1024', 'mode=1777']});
  t.throws(() => parseApiMount({Type: 'tmpfs', Source: 'x', Target: '/t'}), {message: 'invalid mount config for type "tmpfs": field Source must not be specified'});
  t.throws(() => parseApiMount({Type: 'bind', Target: '/t'}), {message: 'invalid mount config for type "bind": field Source must not be empty'});
});

test('explicit mounts win over image VOLUME entries; two at one place are an error', (t) => {
  const reqs = mountRequests({Binds: ['/h:/data']}, {'/data': {}, '/logs': {}});
  t.deepEqual(reqs.map((r) => [r.Type, r.Destination, Boolean(r.Anonymous)]), [['bind', '/data', false], ['volume', '/logs', true]]);
  t.throws(() => mountRequests({Binds: ['/a:/d', 'vol:/d']}, {}), {message: 'Duplicate mount point: /d'});
  t.throws(() => mountRequests({Binds: ['/a:/d'], Tmpfs: {'/d': ''}}, {}), {message: 'Duplicate mount point: /d'});
});

test('tmpfs options: defaults, later options override their opposite', (t) => {
  t.deepEqual(mergeTmpfsOptions(['noexec', 'nosuid', 'nodev'], ['exec', 'size=1m', 'size=2m']), ['nosuid', 'nodev', 'exec', 'size=2m']);
});

test('the bind guard: /, the data-root and the exec-root (and inside them), unless allowed', (t) => {
  const guard = {dataRoot: '/var/lib/docker', execRoot: '/var/run/docker', allowDangerousBinds: false};
  t.throws(() => checkBindSource('/', guard), {message: /binding \/ into a container gives it the host/});
  t.throws(() => checkBindSource('/./', guard), {message: /gives it the host/});
  t.throws(() => checkBindSource('/var/lib/docker/volumes', guard), {message: /data-root/});
  t.throws(() => checkBindSource('/var/run/docker', guard), {message: /exec-root/});
  t.notThrows(() => checkBindSource('/var/lib/dockerfiles', guard));
  t.notThrows(() => checkBindSource('/srv', guard));
  t.notThrows(() => checkBindSource('/', {...guard, allowDangerousBinds: true}));
});
