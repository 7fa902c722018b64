// Memory a running container costs an engine: the process that holds it (labd-shim, or containerd-shim-runc-v2)
// plus the daemon's growth, per container, with `sleep` itself left out (the same on both engines).
import {BUSYBOX} from './busybox.mjs';
import {daemonRss} from './daemon-usage.mjs';
import {docker, mustDocker} from './docker-cli.mjs';
import {log, procStatus, pssKiB, rssKiB, sleep} from './proc.mjs';

/**
 * N `docker run -d ... sleep 300`; then per container the process that holds it (the parent of its init, a
 * labd-shim or a containerd-shim-runc-v2) and the daemons' RSS growth. Removes the containers again.
 */
export async function containerMemory(engine, {count, settleSeconds}) {
  await sleep(settleSeconds * 1000);
  const before = daemonRss(engine);
  const ids = [];
  try {
    for (let i = 0; i < count; i++) {
      const r = await mustDocker(engine, ['run', '-d', '--network', 'none', BUSYBOX, 'sleep', '300']);
      ids.push(r.stdout.trim());
    }
    await sleep(settleSeconds * 1000);
    const shims = [];
    for (const id of ids) {
      const state = (await mustDocker(engine, ['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', id])).stdout.trim().split(' ');
      if (state[0] !== 'running') throw new Error(`${engine.name}: container ${id.slice(0, 12)} is ${state[0]}, not running`);
      const pid = Number(state[1]);
      const shimPid = Number(procStatus(pid, 'PPid'));
      const name = procStatus(shimPid, 'Name');
      const rss = rssKiB(shimPid);
      if (!shimPid || rss === undefined) throw new Error(`${engine.name}: cannot read the parent of container ${id.slice(0, 12)}'s process ${pid}`);
      shims.push({container: id.slice(0, 12), pid, shimPid, name, rssKiB: rss, pssKiB: pssKiB(shimPid), initRssKiB: rssKiB(pid)});
    }
    const expected = engine.name === 'labd' ? /^labd-shim/ : /^containerd-shim/;
    for (const s of shims) if (!expected.test(s.name)) log(`warning: ${engine.name}: container ${s.container}'s parent is ${s.name} (pid ${s.shimPid}), not the expected shim`);
    const distinct = [...new Map(shims.map((s) => [s.shimPid, s])).values()];
    const after = daemonRss(engine);
    const shimRssKiB = distinct.reduce((a, s) => a + s.rssKiB, 0);
    const shimPssKiB = distinct.reduce((a, s) => a + (s.pssKiB ?? 0), 0);
    const growthKiB = after.total - before.total;
    // A garbage collection between the readings can make the daemon's RSS go down: that counts as no growth.
    const counted = Math.max(0, growthKiB);
    return {
      containers: count,
      daemonBefore: before,
      daemonAfter: after,
      shims,
      shimRssKiB,
      shimPssKiB,
      daemonGrowthKiB: growthKiB,
      perContainerKiB: (shimRssKiB + counted) / count,
      perContainerPssKiB: (shimPssKiB + counted) / count,
    };
  } finally {
    if (ids.length > 0) {
      const r = await docker(engine, ['rm', '-f', ...ids]);
      if (r.code !== 0) log(`${engine.name}: docker rm -f: ${(r.stderr || r.stdout).trim()}`);
    }
  }
}
