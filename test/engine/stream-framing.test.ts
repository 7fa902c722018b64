/**
 * Streams framed as dockerd frames them, compared byte for byte: an exec's output raw or multiplexed by the `Tty`
 * of its start request (not only the exec's own), `attach` with `stream=false` and `logs=true` (what was written,
 * then the end), and `logs` with one frame per entry, also while following.
 */
import test from 'ava';
import {apiRequest} from '../helpers/api-request.js';
import {bothEngines} from '../helpers/both-engines.js';
import {when} from '../helpers/needs.js';
import {needsDockerd} from '../helpers/reference-dockerd.js';

const engines = bothEngines(test);
const both = () => [engines.dockerd, engines.labd] as const;

/** Multiplexed frames as [stream, text]; throws if the bytes are not a whole number of frames. */
function frames(data: Buffer): [number, string][] {
  const out: [number, string][] = [];
  for (let at = 0; at < data.length; ) {
    if (at + 8 > data.length || data[at] > 2) throw new Error(`not a multiplexed stream at byte ${at}: ${JSON.stringify(data.toString('latin1'))}`);
    const size = data.readUInt32BE(at + 4);
    out.push([data[at], data.subarray(at + 8, at + 8 + size).toString()]);
    at += 8 + size;
  }
  return out;
}

when(needsDockerd, test.serial)('exec: the start request\'s Tty decides raw or multiplexed output, as on dockerd', async (t) => {
  const seen = [];
  for (const engine of both()) {
    t.is((await engine.docker(['run', '-d', '--network', 'none', '--name', 'frames', 'busybox', 'sleep', '300'])).code, 0);
    const answers: Record<string, string> = {};
    for (const createTty of [false, true]) {
      for (const startTty of [false, true]) {
        const body = {AttachStdout: true, AttachStderr: true, Tty: createTty, Cmd: ['sh', '-c', 'echo out; sleep 0.2; echo err >&2']};
        const id = ((await apiRequest(engine.socket, 'POST', '/v1.41/containers/frames/exec', {body: JSON.stringify(body)})).json as {Id: string}).Id;
        const started = await apiRequest(engine.socket, 'POST', `/v1.41/exec/${id}/start`, {body: JSON.stringify({Detach: false, Tty: startTty})});
        answers[`exec Tty=${createTty}, start Tty=${startTty}`] = started.body;
      }
    }
    seen.push(answers);
    await engine.docker(['rm', '-f', 'frames']);
  }
  t.deepEqual(seen[1], seen[0]);
  // What dockerd does, spelled out: a raw stream of a process without a terminal drops stderr.
  t.is(seen[1]['exec Tty=false, start Tty=true'], 'out\n');
  t.deepEqual(frames(Buffer.from(seen[1]['exec Tty=true, start Tty=false'], 'latin1')), [[1, 'out\r\n'], [1, 'err\r\n']]);
});

when(needsDockerd, test.serial)('attach with stream=false and logs=true sends what was written and ends; with logs=false, nothing', async (t) => {
  const seen = [];
  for (const engine of both()) {
    t.is((await engine.docker(['run', '--network', 'none', '--name', 'done', 'busybox', 'sh', '-c', 'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three'])).code, 0);
    const logs = await apiRequest(engine.socket, 'POST', '/v1.41/containers/done/attach?stream=0&logs=1&stdout=1&stderr=1');
    const onlyOut = await apiRequest(engine.socket, 'POST', '/v1.41/containers/done/attach?stream=0&logs=1&stdout=1');
    const nothing = await apiRequest(engine.socket, 'POST', '/v1.41/containers/done/attach?stream=0&logs=0&stdout=1&stderr=1');
    seen.push({status: logs.status, logs: frames(Buffer.from(logs.body)), onlyOut: frames(Buffer.from(onlyOut.body)), nothing: nothing.body});
    await engine.docker(['rm', 'done']);
  }
  t.deepEqual(seen[1], seen[0]);
  t.deepEqual(seen[1].logs, [[1, 'one\n'], [2, 'two\n'], [1, 'three\n']]);
});

when(needsDockerd, test.serial)('logs: one frame per entry, whole and followed, as on dockerd', async (t) => {
  const seen = [];
  for (const engine of both()) {
    // Three lines at once: one frame each all the same.
    t.is((await engine.docker(['run', '-d', '--network', 'none', '--name', 'talker', 'busybox', 'sh', '-c', 'printf "a\\nb\\nc\\n"; sleep 1; printf "d\\ne\\n"; echo f >&2; sleep 1'])).code, 0);
    const followed = await apiRequest(engine.socket, 'GET', '/v1.41/containers/talker/logs?follow=1&stdout=1&stderr=1');
    const whole = await apiRequest(engine.socket, 'GET', '/v1.41/containers/talker/logs?stdout=1&stderr=1');
    // stdout and stderr are two pipes read apart, on dockerd as here: their relative order is a race under load,
    // each stream's own order is not. Frames are compared stream by stream.
    const byStream = (f: [number, string][]) => [...f.filter(([s]) => s === 1), ...f.filter(([s]) => s === 2)];
    seen.push({followed: byStream(frames(Buffer.from(followed.body))), whole: byStream(frames(Buffer.from(whole.body)))});
    await engine.docker(['rm', '-f', 'talker']);
  }
  t.deepEqual(seen[1], seen[0]);
  t.deepEqual(seen[1].whole, [[1, 'a\n'], [1, 'b\n'], [1, 'c\n'], [1, 'd\n'], [1, 'e\n'], [2, 'f\n']]);
});
