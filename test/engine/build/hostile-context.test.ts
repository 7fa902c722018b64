/**
 * Hostile build contexts sent straight to POST /build (the CLI would not make them): each is refused with a
 * clear error in the build stream, nothing is written outside the context's temp dir, and nothing is left in
 * <data-root>/tmp or overlay2 afterwards. Also ADD of a hostile tar, and symlinks that point out of the context.
 */
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {request} from 'node:http';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import test from 'ava';
import {makeTar, type TarEntry} from '../../helpers/archive.js';
import {busyboxArchive} from '../../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';

let engine: TestEngine;
let outside: string;

test.before(async () => {
  engine = await startTestEngine();
  outside = join(engine.dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'target'), 'untouched\n');
  const bb = await busyboxArchive('docker');
  const load = await engine.docker(['load', '-i', bb.path]);
  if (load.code !== 0) throw new Error(load.stderr);
});
test.after.always(async () => engine?.stop());

interface BuildReply {
  status: number;
  messages: Array<{stream?: string; error?: string; errorDetail?: {message: string}; aux?: {ID: string}}>;
}

function postBuild(body: Buffer, query = 't=hostile'): Promise<BuildReply> {
  return new Promise((resolve, reject) => {
    const req = request({socketPath: engine.socket, method: 'POST', path: `/v1.50/build?${query}`, headers: {'Content-Type': 'application/x-tar'}}, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({status: res.statusCode ?? 0, messages: text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))}));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const errorOf = (reply: BuildReply) => reply.messages.find((m) => m.error)?.error ?? '';
const dockerfile = (text: string): TarEntry => ({name: 'Dockerfile', content: text});

function leftovers(): string[] {
  const tmp = readdirSync(join(engine.dataRoot, 'tmp'));
  const builds = readdirSync(join(engine.dataRoot, 'overlay2')).filter((n) => n.startsWith('build-'));
  return [...tmp, ...builds];
}

const hostile: Array<[string, TarEntry[], RegExp]> = [
  ['a name that climbs out with ..', [dockerfile('FROM busybox\n'), {name: '../../outside/target', content: 'pwned\n'}], /path escapes the layer/],
  ['an absolute name', [dockerfile('FROM busybox\n'), {name: `${'/'}etc/lab-build-evil`, content: 'x'}], /absolute paths are not allowed/],
  ['a file written through a symlink', [dockerfile('FROM busybox\n'), {name: 'out', type: 'symlink', linkname: '/tmp'}, {name: 'out/evil', content: 'x'}], /passes through the symlink/],
  ['a hardlink to a host file', [dockerfile('FROM busybox\n'), {name: 'shadow', type: 'link', linkname: '/etc/shadow'}], /absolute paths are not allowed|not in the layer/],
];

for (const [what, entries, expected] of hostile) {
  test.serial(`a context with ${what} is refused`, async (t) => {
    const reply = await postBuild(await makeTar(entries));
    t.is(reply.status, 200, 'errors travel in the build stream, as dockerd sends them');
    t.regex(errorOf(reply), /^invalid build context: /);
    t.regex(errorOf(reply), expected);
    t.is(readFileSync(join(outside, 'target'), 'utf8'), 'untouched\n');
    t.false(existsSync('/etc/lab-build-evil'));
    t.false(existsSync('/tmp/evil'));
    t.deepEqual(leftovers(), []);
  });
}

test.serial('garbage, truncated and compressed-but-not-gzip bodies get clear errors', async (t) => {
  t.regex(errorOf(await postBuild(Buffer.from('this is not a tar archive at all, just some text\n'.repeat(20)))), /not a tar archive/);
  const tar = await makeTar([dockerfile('FROM busybox\n'), {name: 'big', content: Buffer.alloc(100_000, 7)}]);
  t.regex(errorOf(await postBuild(tar.subarray(0, 20_000))), /^invalid build context: .*(unexpected end|truncated)/i);
  t.regex(errorOf(await postBuild(Buffer.from('BZh91AY&SY' + 'x'.repeat(600)))), /bzip2-compressed/);
  t.regex(errorOf(await postBuild(Buffer.alloc(0))), /the build context is empty/);
  t.deepEqual(leftovers(), []);
  const ok = await postBuild(gzipSync(await makeTar([dockerfile('FROM busybox\nCMD ["true"]\n')])));
  t.is(errorOf(ok), '', 'a gzip context is fine');
  t.regex(ok.messages.map((m) => m.aux?.ID ?? '').join(''), /^sha256:[a-f0-9]{64}$/);
});

test.serial('ADD of a tar with hostile entries fails the step; the image is not made', async (t) => {
  const evil = await makeTar([{name: '../../../../outside/target', content: 'pwned\n'}]);
  const reply = await postBuild(await makeTar([dockerfile('FROM busybox\n\nADD evil.tar /opt/\n'), {name: 'evil.tar', content: evil}]));
  t.regex(errorOf(reply), /^Dockerfile:3: ADD failed: cannot extract evil\.tar: .*path escapes the layer/);
  t.is(readFileSync(join(outside, 'target'), 'utf8'), 'untouched\n');
  t.deepEqual(leftovers(), []);
});

test.serial('symlinks out of the context are followed inside it, never on the host', async (t) => {
  const entries: TarEntry[] = [
    dockerfile('FROM busybox\nCOPY conf/shadow /x\n'),
    {name: 'conf', type: 'symlink', linkname: '/etc'},
    {name: 'up', type: 'symlink', linkname: '../../../../../..'},
  ];
  const viaDir = await postBuild(await makeTar(entries));
  t.regex(errorOf(viaDir), /^Dockerfile:2: COPY failed: file not found in build context .*stat conf\/shadow: file does not exist/);
  // `etc -> /etc` inside the context points at itself.
  const loop = await postBuild(await makeTar([dockerfile('FROM busybox\nCOPY etc/shadow /x\n'), {name: 'etc', type: 'symlink', linkname: '/etc'}]));
  t.regex(errorOf(loop), /^Dockerfile:2: COPY failed: .*stat etc\/shadow: too many levels of symbolic links/);
  entries[0] = dockerfile('FROM busybox\nCOPY up/etc/shadow /x\n');
  t.regex(errorOf(await postBuild(await makeTar(entries))), /stat up\/etc\/shadow: file does not exist/);
  // The Dockerfile itself may be a link; it too resolves inside the context.
  const linked = await postBuild(await makeTar([{name: 'Dockerfile', type: 'symlink', linkname: '/etc/hostname'}]));
  t.regex(errorOf(linked), /Cannot locate specified Dockerfile: Dockerfile/);
  t.deepEqual(leftovers(), []);
});

test.serial('heredocs and unknown instructions are refused naming the line', async (t) => {
  const heredoc = await postBuild(await makeTar([dockerfile('FROM busybox\nRUN <<EOF\necho hi\nEOF\n')]));
  t.regex(errorOf(heredoc), /^Dockerfile:2: RUN <<EOF: heredocs are not supported by this builder/);
  const unknown = await postBuild(await makeTar([dockerfile('FROM busybox\nRUN true\nCOPPY a b\n')]));
  t.is(errorOf(unknown), 'Dockerfile:3: unknown instruction: COPPY (did you mean COPY?)');
});
