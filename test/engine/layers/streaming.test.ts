// A 100 MB layer must flow through apply, assemble and export without being held in memory.
import {createHash} from 'node:crypto';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import v8 from 'node:v8';
import {runInNewContext} from 'node:vm';
import test from 'ava';
import {applyLayerTar, assembleLayerTar, exportDirectoryDiff} from '../../../src/engine/layers/index.js';
import {END, layout, rawHeader} from './helpers.js';

const FILE_SIZE = 100 * 1024 * 1024;
const CHUNK = 64 * 1024;

/** The archive is generated on the fly; its digest is computed as it is produced. */
function generatedLayer(hash: ReturnType<typeof createHash>): Readable {
  return Readable.from((function* () {
    const emit = (chunk: Buffer): Buffer => {
      hash.update(chunk);
      return chunk;
    };
    yield emit(rawHeader({name: 'big.bin', size: FILE_SIZE}));
    for (let offset = 0; offset < FILE_SIZE; offset += CHUNK) {
      const chunk = Buffer.alloc(CHUNK, offset / CHUNK);
      yield emit(chunk);
    }
    for (let i = 0; i < 200; i++) yield emit(Buffer.concat([rawHeader({name: `small/${i}`, size: 10}), Buffer.alloc(512, 1)]));
    yield emit(END);
  })(), {objectMode: false});
}

// Garbage is collected before each sample so only memory still in use is counted.
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function liveBytes(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  // Buffers are ArrayBuffers; `external` is left out because it drops only some ticks after a GC.
  return usage.heapUsed + usage.arrayBuffers;
}

/** Highest live memory seen while `work` runs, above what was live before. */
async function peakGrowth(work: () => Promise<void>): Promise<number> {
  const baseline = liveBytes();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, liveBytes());
  }, 100);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return peak - baseline;
}

const LIMIT = 16 * 1024 * 1024;

test.serial('apply, assemble and export stream a 100 MB layer in bounded memory', async (t) => {
  const l = layout(t);
  const input = createHash('sha256');
  let diffId = '';
  const applyGrowth = await peakGrowth(async () => {
    diffId = (await applyLayerTar(generatedLayer(input), l.diff, {tarSplitPath: l.tarSplit})).diffId;
  });
  t.is(diffId, `sha256:${input.digest('hex')}`);
  t.true(applyGrowth < LIMIT, `apply grew live memory by ${applyGrowth} bytes`);

  const rebuilt = createHash('sha256');
  const assembleGrowth = await peakGrowth(async () => {
    for await (const chunk of assembleLayerTar(l.diff, l.tarSplit)) rebuilt.update(chunk as Buffer);
  });
  t.is(`sha256:${rebuilt.digest('hex')}`, diffId);
  t.true(assembleGrowth < LIMIT, `assemble grew live memory by ${assembleGrowth} bytes`);

  let exported = 0;
  const exportGrowth = await peakGrowth(async () => {
    for await (const chunk of exportDirectoryDiff(join(l.diff))) exported += (chunk as Buffer).length;
  });
  t.true(exported > FILE_SIZE);
  t.true(exportGrowth < LIMIT, `export grew live memory by ${exportGrowth} bytes`);
  t.log(`live memory growth: apply ${applyGrowth >> 20} MiB, assemble ${assembleGrowth >> 20} MiB, export ${exportGrowth >> 20} MiB`);
});
