/**
 * The embedded DNS server's messages and files without a container: a question read from a real resolver's
 * query (made by Node's own dns module against a socket here), answers and failures well formed, junk refused,
 * resolv.conf as dockerd writes it.
 */
import {createSocket} from 'node:dgram';
import {Resolver} from 'node:dns/promises';
import test from 'ava';
import {answerA, failure, parseQuestion, RCODE_SERVFAIL, TYPE_A} from '../../../src/engine/network/dns/message.js';
import {hostNameservers} from '../../../src/engine/network/dns/server.js';
import {resolvConf} from '../../../src/engine/network/name-files.js';

/** A UDP server on loopback answering A queries for `db` with two addresses, anything else with SERVFAIL. */
async function tinyServer(): Promise<{port: number; close: () => void}> {
  const sock = createSocket('udp4');
  sock.on('message', (msg, from) => {
    const q = parseQuestion(msg);
    const reply = q && q.name === 'db' && q.type === TYPE_A ? answerA(msg, q, ['10.1.2.3', '10.1.2.4']) : failure(msg, q, RCODE_SERVFAIL);
    sock.send(reply, from.port, from.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return {port: sock.address().port, close: () => sock.close()};
}

test('a real resolver reads the answers: every address, and a failure as a failure', async (t) => {
  const server = await tinyServer();
  try {
    const resolver = new Resolver({timeout: 2000, tries: 1});
    resolver.setServers([`127.0.0.1:${server.port}`]);
    t.deepEqual(await resolver.resolve4('db'), ['10.1.2.3', '10.1.2.4']);
    t.deepEqual(await resolver.resolve4('DB'), ['10.1.2.3', '10.1.2.4'], 'names are read without regard to case');
    await t.throwsAsync(resolver.resolve4('elsewhere'), {code: 'ESERVFAIL'});
  } finally {
    server.close();
  }
});

test('junk, answers and truncated questions are not questions', (t) => {
  t.is(parseQuestion(Buffer.alloc(5)), undefined);
  const answer = Buffer.from('abcd8180000100000000000000', 'hex');
  t.is(parseQuestion(Buffer.concat([answer, Buffer.alloc(6)])), undefined);
  const cut = Buffer.concat([Buffer.from('abcd01000001000000000000', 'hex'), Buffer.from([5, 0x61, 0x62])]);
  t.is(parseQuestion(cut), undefined);
  t.is(failure(cut, undefined, RCODE_SERVFAIL).readUInt16BE(2) & 0xf, RCODE_SERVFAIL);
});

test('resolv.conf: the embedded server with the host search and options, or the host resolvers without loopback ones', (t) => {
  const host = 'search lab.example\nnameserver 127.0.0.53\nnameserver 10.0.0.2\noptions edns0 ndots:2\n';
  t.is(resolvConf(true, host), 'search lab.example\nnameserver 127.0.0.11\noptions ndots:0 edns0\n');
  t.is(resolvConf(false, host), 'search lab.example\nnameserver 10.0.0.2\noptions edns0 ndots:2\n');
  t.deepEqual(hostNameservers(host), ['127.0.0.53', '10.0.0.2']);
});
