import {rmSync} from 'node:fs';
import {mkdtemp, readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {extract, type Header} from 'tar-stream';

export interface TarMember {
  header: Header;
  data: Buffer;
}

/** Every member of a tar, in archive order. */
export async function readTar(source: string | Buffer): Promise<TarMember[]> {
  const bytes = typeof source === 'string' ? await readFile(source) : source;
  const ex = extract();
  ex.end(bytes);
  const members: TarMember[] = [];
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    members.push({header: entry.header, data: Buffer.concat(chunks)});
  }
  return members;
}

export function member(members: TarMember[], name: string): TarMember {
  const found = members.find((m) => m.header.name === name);
  if (!found) throw new Error(`${name} is not in the tar (${members.map((m) => m.header.name).join(', ')})`);
  return found;
}

export function jsonOf(members: TarMember[], name: string): unknown {
  return JSON.parse(member(members, name).data.toString('utf8'));
}

const created: string[] = [];
// Each test file runs in its own process; its scratch folders go when it exits.
process.once('exit', () => {
  for (const dir of created) rmSync(dir, {recursive: true, force: true});
});

/** A fresh cache root (or scratch folder), so a test decides for itself what is cached. */
export async function freshCacheDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lab-recipes-test-'));
  created.push(dir);
  return dir;
}

const PT_INTERP = 3;

/**
 * Reads a 64-bit little-endian ELF header and its program headers. A static binary has no
 * PT_INTERP entry: the kernel runs it without asking a dynamic loader for help.
 */
export function elfInfo(bin: Buffer): {isElf64: boolean; type: number; machine: number; programTypes: number[]} {
  const isElf64 = bin.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])) && bin[4] === 2 && bin[5] === 1;
  if (!isElf64) return {isElf64, type: 0, machine: 0, programTypes: []};
  const type = bin.readUInt16LE(16);
  const machine = bin.readUInt16LE(18);
  const phoff = Number(bin.readBigUInt64LE(32));
  const phentsize = bin.readUInt16LE(54);
  const phnum = bin.readUInt16LE(56);
  const programTypes: number[] = [];
  for (let i = 0; i < phnum; i++) programTypes.push(bin.readUInt32LE(phoff + i * phentsize));
  return {isElf64, type, machine, programTypes};
}

export function hasInterpreter(bin: Buffer): boolean {
  return elfInfo(bin).programTypes.includes(PT_INTERP);
}
