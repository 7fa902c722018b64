/**
 * `docker load` on a terminal asks for progress (quiet=0) and dockerd sends a "Loading layer" bar per layer as it
 * reads; without that, a 124 MB archive is a silent minute. quiet=1 (output not a terminal) sends none.
 */
import test from 'ava';
import {apiRequest} from '../helpers/api-request.js';
import {makeImageArchive, makeTar} from '../helpers/archive.js';
import {startTestEngine, type TestEngine} from '../helpers/engine.js';
import {when} from '../helpers/needs.js';
import {needsDockerd, startReferenceDockerd} from '../helpers/reference-dockerd.js';

interface Message {
  status?: string;
  id?: string;
  progressDetail?: {current?: number; total?: number};
  stream?: string;
}

async function archive() {
  // Over 1 MiB each: smaller entries (configs, tiny layers) are read in one go, too fast for a bar.
  const layers = [await makeTar([{name: 'a', content: 'a'.repeat(1_500_000)}]), await makeTar([{name: 'b', content: 'b'.repeat(1_200_000)}])];
  return (await makeImageArchive({layers, repoTags: ['progress:1']})).archive;
}

async function load(socket: string, quiet: boolean): Promise<Message[]> {
  const r = await apiRequest(socket, 'POST', `/v1.41/images/load?quiet=${quiet ? 1 : 0}`, {body: await archive(), contentType: 'application/x-tar'});
  if (r.status !== 200) throw new Error(`load answered ${r.status}: ${r.body}`);
  return r.body.trim().split('\n').map((l) => JSON.parse(l) as Message);
}

/** Per bar id: the last progress message; every layer ends at its full size. */
function bars(messages: Message[]) {
  const last = new Map<string, Message>();
  for (const m of messages) if (m.status === 'Loading layer') last.set(m.id!, m);
  return [...last.values()];
}

function checkProgress(t: import('ava').ExecutionContext, messages: Message[]) {
  const done = bars(messages);
  t.is(done.length, 2, 'one bar per layer');
  for (const m of done) {
    t.regex(m.id!, /^[a-f0-9]{12}$/);
    t.true((m.progressDetail?.total ?? 0) > 1_000_000);
    t.is(m.progressDetail?.current, m.progressDetail?.total, 'each bar ends full');
  }
  t.is(messages.at(-1)?.stream, 'Loaded image: progress:1\n', 'the result comes after the bars');
}

let engine: TestEngine | undefined;
test.after.always(async () => engine?.stop());

test('labd: bars per layer while loading, none when quiet', async (t) => {
  engine = await startTestEngine();
  checkProgress(t, await load(engine.socket, false));
  const quiet = await load(engine.socket, true);
  t.deepEqual(quiet.filter((m) => m.status), [], 'quiet: no progress');
});

when(needsDockerd)('dockerd sends the same shape', async (t) => {
  const dockerd = await startReferenceDockerd();
  try {
    checkProgress(t, await load(dockerd.socket, false));
  } finally {
    await dockerd.stop();
  }
});
