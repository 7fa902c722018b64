/**
 * The sandbox file of a running container as an engine from before several networks per container wrote it
 * (one endpoint at the top level) is read as a sandbox with that endpoint as eth0, so an upgraded daemon still
 * finds and later removes that container's veth, netns and address.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {NetworkManager} from '../../../src/engine/network/manager.js';
import type {Logger} from '../../../src/engine/util/log.js';

const quiet: Logger = {debug: () => {}, info: () => {}, warn: () => {}, error: () => {}};

test('an endpoint file of the one-network format becomes a sandbox with eth0', (t) => {
  const dataRoot = mkdtempSync(join(tmpdir(), 'lab-sandbox-file-'));
  t.teardown(() => rmSync(dataRoot, {recursive: true, force: true}));
  const id = 'a'.repeat(64);
  mkdirSync(join(dataRoot, 'network', 'endpoints'), {recursive: true});
  const old = {
    container: id, network: 'bridge', networkId: 'b'.repeat(64), endpointId: 'c'.repeat(64), sandboxId: 'd'.repeat(64), netns: id.slice(0, 12),
    hostVeth: 'veth1234567', bridge: 'docker0', ip: '172.17.0.2', prefix: 16, gateway: '172.17.0.1', mac: '02:42:ac:11:00:02', internal: false,
    ports: [{proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80}],
  };
  writeFileSync(join(dataRoot, 'network', 'endpoints', `${id}.json`), JSON.stringify(old));
  const mgr = new NetworkManager({dataRoot}, quiet);
  const sb = mgr.sandbox(id);
  t.is(sb?.netns, id.slice(0, 12));
  t.deepEqual(sb?.ports, old.ports);
  t.is(sb?.endpoints.length, 1);
  t.like(sb?.endpoints[0], {ifname: 'eth0', hostVeth: 'veth1234567', ip: '172.17.0.2', networkId: old.networkId});
  t.deepEqual(mgr.endpointsOn(old.networkId), [id]);
});
