/**
 * A busybox engine on a bridge and subnet of its own, for the network tests: its containers and user networks
 * are removed while it still answers, and whatever a failed run left (its bridge, the bridges of the file's own
 * user-network subnets, its IPAM state) is deleted at the end.
 */
import {execFileSync} from 'node:child_process';
import {rmSync} from 'node:fs';
import type {TestFn} from 'ava';
import {busyboxEngine} from './busybox-engine.js';
import type {TestEngine} from './engine.js';
import {isRoot, when} from './needs.js';

export interface NetworkEngineOptions {
  bridge: string;
  /** The engine's default bridge address, e.g. 10.229.246.1/24 (none: the engine picks one from its pools). */
  bip?: string;
  /** The file's user networks' subnets start so (e.g. "10.231."): their bridges go too. */
  routePrefix?: string;
  daemonJson?: Record<string, unknown>;
}

export function networkEngine(test: TestFn, opts: NetworkEngineOptions) {
  // `after` runs before the engine's own `after.always`, while the engine still answers: user networks' bridges go.
  test.after(async () => {
    const all = (await engine.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (all.length > 0) await engine.docker(['rm', '-f', ...all]);
    await engine.docker(['network', 'prune', '-f']);
  });
  const engine: TestEngine = busyboxEngine(test, {daemonJson: {bridge: opts.bridge, bip: opts.bip, ...opts.daemonJson}});
  test.after.always(() => {
    const routes = opts.routePrefix
      ? execFileSync('ip', ['-o', 'route'], {encoding: 'utf8'}).split('\n').filter((l) => l.startsWith(opts.routePrefix!))
      : [];
    for (const dev of [opts.bridge, ...routes.map((l) => l.split(' ')[2])]) {
      try {
        execFileSync('ip', ['link', 'del', dev], {stdio: 'ignore'});
      } catch {
        // already gone
      }
    }
    rmSync(`/run/labd/ipam/${opts.bridge}`, {recursive: true, force: true});
  });
  /** A docker command that must succeed: its output, trimmed. */
  const ok = async (args: string[]) => {
    const r = await engine.docker(args);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  return {engine, ok, serial: when({'needs root': isRoot}, test.serial)};
}
