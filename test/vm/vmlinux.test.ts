import {execFileSync} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {extractVmlinux, hasPvhEntry, payloadCandidates} from '../../src/vm/build/vmlinux.js';

/** A minimal ELF64 with one PT_NOTE segment holding a "Xen" note of the given type, padded with filler. */
function fakeElf(noteType: number, filler = 4096): Buffer {
  const note = Buffer.alloc(12 + 4 + 8);
  note.writeUInt32LE(4, 0); // namesz "Xen\0"
  note.writeUInt32LE(8, 4); // descsz
  note.writeUInt32LE(noteType, 8);
  note.write('Xen\0', 12, 'latin1');
  const header = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(header);
  header.writeBigUInt64LE(64n, 0x20); // phoff
  header.writeUInt16LE(56, 0x36); // phentsize
  header.writeUInt16LE(1, 0x38); // phnum
  const ph = Buffer.alloc(56);
  ph.writeUInt32LE(4, 0); // PT_NOTE
  ph.writeBigUInt64LE(BigInt(64 + 56), 8); // offset
  ph.writeBigUInt64LE(BigInt(note.length), 32); // filesz
  return Buffer.concat([header, ph, note, Buffer.alloc(filler, 0x90)]);
}

/** A bzImage-shaped file: setup sectors with the HdrS header, then the xz payload where payload_offset says. */
function fakeBzImage(payload: Buffer, setupSects = 3, payloadOffset = 0x100): Buffer {
  const setup = Buffer.alloc((setupSects + 1) * 512 + payloadOffset, 0);
  setup[0x1f1] = setupSects;
  setup.write('HdrS', 0x202, 'latin1');
  setup.writeUInt32LE(payloadOffset, 0x248);
  setup.writeUInt32LE(payload.length, 0x24c);
  return Buffer.concat([setup, payload, Buffer.from('trailing bytes after the stream')]);
}

const xz = (data: Buffer) => execFileSync('xz', ['-c', '--check=crc32'], {input: data});

test('the PVH note is found in a PT_NOTE segment, and only with the right type', (t) => {
  t.true(hasPvhEntry(fakeElf(18)));
  t.false(hasPvhEntry(fakeElf(5)));
  t.false(hasPvhEntry(Buffer.from('not an elf at all, just text, long enough to look at the header fields')));
});

test('the payload is located through the setup header', (t) => {
  const image = fakeBzImage(xz(Buffer.from('x'.repeat(100))));
  t.is(payloadCandidates(image)[0], 4 * 512 + 0x100);
});

test('a vmlinux with a PVH note comes out byte for byte, trailing data ignored', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lab-vmlinux-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  const elf = fakeElf(18, 200_000);
  await writeFile(join(dir, 'vmlinuz'), fakeBzImage(xz(elf)));
  const got = await extractVmlinux(join(dir, 'vmlinuz'), join(dir, 'vmlinux'));
  t.is(got.size, elf.length);
  t.deepEqual(await readFile(join(dir, 'vmlinux')), elf);
});

test('a kernel without the PVH entry is refused with the reason', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lab-vmlinux-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  await writeFile(join(dir, 'vmlinuz'), fakeBzImage(xz(fakeElf(5))));
  await t.throwsAsync(extractVmlinux(join(dir, 'vmlinuz'), join(dir, 'vmlinux')), {message: /no PVH entry note/});
});

test('an image without an xz payload is refused', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lab-vmlinux-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  await writeFile(join(dir, 'vmlinuz'), Buffer.alloc(4096, 1));
  await t.throwsAsync(extractVmlinux(join(dir, 'vmlinuz'), join(dir, 'vmlinux')), {message: /no xz-compressed payload/});
});
