/**
 * The parts of the libvirt provider that need no libvirtd: the hosts file (every mistake named by file and key),
 * placement by free memory, and the domain XML (escaped, the SSH forward read back from it).
 */
import test from 'ava';
import {domainXml, sshPortOf} from '../../src/vm/libvirt/domain-xml.js';
import {parseHostPool, pickHost, uriHost} from '../../src/vm/libvirt/hosts.js';

const parse = (hosts: unknown, extra: object = {}) => parseHostPool(JSON.stringify({hosts, ...extra}), 'hosts.json');

test('a hosts file with defaults filled in from the URI', (t) => {
  const pool = parse([{name: 'srv1', uri: 'qemu+ssh://root@srv1.example.edu:2222/system'}, {name: 'here', uri: 'qemu:///system'}], {vm: {memoryMiB: 768}});
  t.like(pool.hosts[0], {address: 'srv1.example.edu', listen: '0.0.0.0', ports: {from: 22000, to: 22999}, pool: {name: 'lab', path: '/var/lib/libvirt/images/lab'}});
  t.is(pool.hosts[1]!.address, '127.0.0.1');
  t.deepEqual(pool.vm, {memoryMiB: 768});
  t.is(uriHost('qemu+ssh://[fd00::1]/system'), 'fd00::1');
  t.is(uriHost('qemu:///system'), undefined);
});

test('every mistake in the hosts file is one error naming the file and the key', (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [[], /^hosts\.json: at \/hosts: must NOT have fewer than 1 items/],
    [[{name: 'a', uri: 'qemu:///system', memory: 4}], /^hosts\.json: at \/hosts\/0: must NOT have additional properties "memory" \(allowed: name, uri/],
    [[{name: 'a', uri: 'xen:///system'}], /^hosts\.json: at \/hosts\/0\/uri: must match pattern/],
    [[{name: 'a', uri: 'qemu:///session'}], /^hosts\.json: at \/hosts\/0\/uri: must match pattern/],
    [[{name: 'a', uri: 'qemu://srv1/system'}], /^hosts\.json: at \/hosts\/0\/uri: qemu:\/\/srv1\/system is a TLS connection; use qemu\+ssh:\/\/srv1\/system/],
    [[{name: 'a', uri: 'qemu:///system'}, {name: 'a', uri: 'qemu+ssh://b/system'}], /^hosts\.json: at \/hosts\/1\/name: "a" is already the name of \/hosts\/0/],
    [[{name: 'a', uri: 'qemu:///system', ports: {from: 30, to: 20}}], /^hosts\.json: at \/hosts\/0\/ports: from 30 is above to 20/],
    [[{name: 'a', uri: 'qemu:///system', listen: '0.0.0.0 -x'}], /^hosts\.json: at \/hosts\/0\/listen: must match pattern/],
    [[{name: 'a', uri: 'qemu:///system', pool: {name: 'lab', path: 'relative'}}], /^hosts\.json: at \/hosts\/0\/pool\/path: must match pattern/],
  ];
  for (const [hosts, message] of cases) t.throws(() => parse(hosts), {name: 'HostsFileError', message}, JSON.stringify(hosts));
  t.throws(() => parseHostPool('{"hosts": [],}', 'hosts.json'), {message: /^hosts\.json: invalid JSON at line 1, column 14/});
});

test('each VM goes to the host with the most free memory, counting the VMs placed before it', (t) => {
  const {hosts} = parse([{name: 'a', uri: 'qemu:///system'}, {name: 'b', uri: 'qemu+ssh://b/system'}, {name: 'c', uri: 'qemu+ssh://c/system'}]);
  const GiB = 2 ** 30;
  const memory = [{host: hosts[0]!, freeBytes: 10 * GiB}, {host: hosts[1]!, freeBytes: 12 * GiB}, {host: hosts[2]!, freeBytes: 4 * GiB}];
  const pending = new Map<string, number>();
  const placed: string[] = [];
  for (let i = 0; i < 6; i++) {
    const host = pickHost(memory, pending);
    placed.push(host.name);
    pending.set(host.name, (pending.get(host.name) ?? 0) + GiB);
  }
  // b 12, a 10, c 4 GiB free; a tie goes to the host listed first.
  t.deepEqual(placed, ['b', 'b', 'a', 'b', 'a', 'b']);
});

test('the domain: TCG, direct kernel boot, the SSH forward, everything escaped', (t) => {
  const xml = domainXml({domain: 'lab-x', machine: 'q35', memoryMiB: 768, cpus: 1, kernel: '/p/vmlinux', initrd: '/p/i<1>.img', disk: "/p/d'.qcow2", cmdline: 'console=ttyS0 a&b', listen: '127.0.0.1', sshPort: 22017, description: 'lab VM x of <ann>'});
  t.regex(xml, /^<domain type='qemu' /);
  t.regex(xml, /<kernel>\/p\/vmlinux<\/kernel>\s*<initrd>\/p\/i&lt;1&gt;\.img<\/initrd>\s*<cmdline>console=ttyS0 a&amp;b<\/cmdline>/);
  t.regex(xml, /<source file='\/p\/d&apos;\.qcow2'\/>/);
  t.regex(xml, /<description>lab VM x of &lt;ann&gt;<\/description>/);
  t.is(sshPortOf(xml), 22017);
  t.regex(xml, /hostfwd=tcp:127\.0\.0\.1:22017-:22/);
  t.throws(() => domainXml({domain: 'x', machine: 'microvm', memoryMiB: 1, cpus: 1, kernel: '', initrd: '', disk: '', cmdline: '', listen: '', sshPort: 1}), {message: /microvm/});
});
