/** What the collector reads for the arch lab: the kernel's socket table, directory listings with whiteouts, overlay mounts. */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';
import test from 'ava';
import {dirListing, overlayMounts} from '../../src/lab/grading/collect-host.js';
import {processFacts} from '../../src/lab/grading/collect-procs.js';
import {isLoopbackAddress} from '../../graders/addresses.js';
import {decodeAddress, parseProcNetTcp} from '../../src/lab/grading/proc-net.js';
import {makeParams, paramEnv} from '../../src/lab/session/params.js';
import {isRoot, when} from '../helpers/needs.js';

test('/proc/net/tcp{,6}: listening sockets with addresses in network order', (t) => {
  const tcp = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:0947 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0',
    '   1: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 100 0 0 10 0',
    '   2: 0100007F:0947 0100007F:B2C4 01 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 20 4 30 10 -1',
  ].join('\n');
  t.deepEqual(parseProcNetTcp(tcp, 4), [{family: 4, address: '127.0.0.1', port: 2375, inode: 4242}, {family: 4, address: '0.0.0.0', port: 2024, inode: 4343}]);
  t.is(decodeAddress('00000000000000000000000001000000'), '::1');
  t.is(decodeAddress('00000000000000000000000000000000'), '::');
  t.is(decodeAddress('0000000000000000FFFF00000100007F'), '::ffff:127.0.0.1');
  t.true(isLoopbackAddress('::1'));
  t.true(isLoopbackAddress('::ffff:127.0.0.1'));
  t.false(isLoopbackAddress('0.0.0.0'));
  t.false(isLoopbackAddress('::'));
});

when({'needs root to mount': isRoot})('an overlay mounted by hand: its layers in the mount table, its whiteout in the upper dir listing', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'collect-arch-'));
  try {
    for (const d of ['lower1', 'lower2', 'upper', 'work', 'merged']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'lower2', 'old.txt'), 'old\n');
    const m = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', 'lowerdir=lower1:lower2,upperdir=upper,workdir=work', 'merged'], {cwd: dir});
    t.is(m.status, 0, m.stderr.toString());
    rmSync(join(dir, 'merged', 'old.txt'));
    const mine = overlayMounts().find((o) => o.mountPoint === join(dir, 'merged'));
    t.deepEqual(mine?.lower, ['lower1', 'lower2'], 'the kernel shows the paths as given');
    t.is(mine?.upper, 'upper');
    const upper = dirListing(join(dir, 'upper'));
    t.true(upper.entries['old.txt']?.whiteout);
    t.is(dirListing(join(dir, 'lower2')).entries['old.txt']?.sha256?.length, 64);
    t.false(dirListing(join(dir, 'missing')).exists);
  } finally {
    spawnSync('umount', [join(dir, 'merged')]);
    rmSync(dir, {recursive: true, force: true});
  }
});

test('process facts: NSpid and the line of parents', (t) => {
  const facts = processFacts(process.pid);
  t.is(facts?.nspid[0], process.pid);
  t.is(facts?.chain[0].pid, process.pid);
  t.is(facts?.chain[0].ppid, process.ppid);
  t.is(processFacts(2 ** 22 + 7), undefined);
});

test('session params: fixed, random per session, the self-test\'s own; as $LAB_PARAM_X for scripts', (t) => {
  const ex = {params: {token: {random: 'hex' as const, length: 8}, tcpPort: {value: '2375', selfTest: '{{freePort}}'}, socket: {value: '/var/run/docker.sock', selfTest: '{{selftest}}/run/docker.sock'}}};
  const a = makeParams(ex);
  const b = makeParams(ex);
  t.regex(a.token, /^[0-9a-f]{8}$/);
  t.not(a.token, b.token);
  t.is(a.tcpPort, '2375');
  const self = makeParams(ex, {dir: '/tmp/x', freePort: 40001});
  t.is(self.tcpPort, '40001');
  t.is(self.socket, '/tmp/x/run/docker.sock');
  t.deepEqual(paramEnv({tcpPort: '1', dataRoot: '/d'}), {LAB_PARAM_TCP_PORT: '1', LAB_PARAM_DATA_ROOT: '/d'});
});
