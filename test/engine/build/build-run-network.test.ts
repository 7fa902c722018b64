/**
 * `docker build --add-host` and `--network` reach the RUN steps' containers, as on dockerd (the extrahosts and
 * networkmode query parameters): the hosts entry is in /etc/hosts, --network host shows the host's interfaces, and
 * without --network the steps are on the default bridge.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {busyboxEngine} from '../../helpers/busybox-engine.js';

const engine = busyboxEngine(test);
let context: string;
test.before(() => {
  context = mkdtempSync(join(tmpdir(), 'lab-build-net-'));
  writeFileSync(join(context, 'Dockerfile'), 'FROM busybox\nRUN grep -h example /etc/hosts; echo "links=$(ls /sys/class/net | wc -l)"\n');
});
test.after.always(() => context && rmSync(context, {recursive: true, force: true}));

test.serial('--add-host entries are in the RUN step\'s /etc/hosts', async (t) => {
  const build = await engine.docker(['build', '--no-cache', '--add-host', 'one.example:10.1.2.3', '--add-host', 'two.example:10.1.2.4', context]);
  t.is(build.code, 0, build.stderr);
  t.regex(build.stdout, /^10\.1\.2\.3\tone\.example$/m);
  t.regex(build.stdout, /^10\.1\.2\.4\ttwo\.example$/m);
});

test.serial('without --network the steps are on the default bridge, as dockerd\'s builder puts them', async (t) => {
  const build = await engine.docker(['build', '--no-cache', context]);
  t.is(build.code, 0, build.stderr);
  t.regex(build.stdout, /^links=2$/m, 'lo and eth0');
  const gateway = JSON.parse((await engine.docker(['network', 'inspect', 'bridge'])).stdout)[0].IPAM.Config[0].Gateway as string;
  writeFileSync(join(context, 'Dockerfile.ping'), `FROM busybox\nRUN ping -c 1 -W 2 ${gateway}\n`);
  const ping = await engine.docker(['build', '--no-cache', '-f', join(context, 'Dockerfile.ping'), context]);
  t.is(ping.code, 0, `the bridge's gateway answers a RUN step: ${ping.stdout}${ping.stderr}`);
});

test.serial('--network host runs the steps in the host\'s network namespace; none only has lo', async (t) => {
  const hostLinks = (await import('node:fs')).readdirSync('/sys/class/net').length;
  const host = await engine.docker(['build', '--no-cache', '--network', 'host', context]);
  t.is(host.code, 0, host.stderr);
  t.regex(host.stdout, new RegExp(`^links=${hostLinks}$`, 'm'));
  const none = await engine.docker(['build', '--no-cache', '--network', 'none', context]);
  t.regex(none.stdout, /^links=1$/m);
});

test.serial('a malformed --add-host is refused before anything runs', async (t) => {
  const build = await engine.docker(['build', '--add-host', 'nocolon', context]);
  t.not(build.code, 0);
  t.regex(build.stderr, /invalid/);
});
