/** Address allocation: lowest free after the gateway, kept across a restart, and kept apart between two engines. */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {Ipam} from '../../../src/engine/network/ipam.js';

const net = {Id: 'n1', Bridge: 'testbr0', Subnet: '10.99.0.0/29', Gateway: '10.99.0.1'};

function dirs() {
  const dir = mkdtempSync(join(tmpdir(), 'lab-ipam-'));
  return {dir, leases: join(dir, 'leases'), a: join(dir, 'a'), b: join(dir, 'b')};
}

test('hands out .2, .3 ... skipping the gateway, and reuses a released address', (t) => {
  const d = dirs();
  const ipam = new Ipam(d.a, d.leases);
  t.is(ipam.allocate(net, 'c1'), '10.99.0.2');
  t.is(ipam.allocate(net, 'c2'), '10.99.0.3');
  t.is(ipam.allocate(net, 'c1'), '10.99.0.2', 'an owner keeps its address');
  ipam.release(net, 'c1');
  t.is(ipam.allocate(net, 'c3'), '10.99.0.2');
  rmSync(d.dir, {recursive: true, force: true});
});

test('a /29 runs out after five containers with a clear error', (t) => {
  const d = dirs();
  const ipam = new Ipam(d.a, d.leases);
  for (let i = 0; i < 5; i++) ipam.allocate(net, `c${i}`);
  t.throws(() => ipam.allocate(net, 'c6'), {message: /no free address is left in network subnet 10\.99\.0\.0\/29/});
  rmSync(d.dir, {recursive: true, force: true});
});

test('allocations survive a restart; reconcile drops those of containers no longer running', (t) => {
  const d = dirs();
  new Ipam(d.a, d.leases).allocate(net, 'kept');
  new Ipam(d.a, d.leases).allocate(net, 'gone');
  const again = new Ipam(d.a, d.leases);
  t.deepEqual(again.allocations(net.Id), {'10.99.0.2': 'kept', '10.99.0.3': 'gone'});
  t.deepEqual(again.reconcile(net, (owner) => owner === 'kept'), ['10.99.0.3']);
  t.is(again.allocate(net, 'kept'), '10.99.0.2');
  rmSync(d.dir, {recursive: true, force: true});
});

test('two engines sharing a bridge never get the same address; a dead engine\'s leases are reused', (t) => {
  const d = dirs();
  const one = new Ipam(d.a, d.leases);
  const two = new Ipam(d.b, d.leases);
  t.is(one.allocate(net, 'x'), '10.99.0.2');
  t.is(two.allocate(net, 'y'), '10.99.0.3');
  t.is(one.allocate(net, 'z'), '10.99.0.4');
  // Engine one's data-root disappears (a test engine removed without cleanup): its leases are stale.
  rmSync(d.a, {recursive: true, force: true});
  t.is(two.allocate(net, 'w'), '10.99.0.2');
  rmSync(d.dir, {recursive: true, force: true});
});
