/**
 * `docker import`: a root filesystem tar becomes a one-layer image; `--change` lines (CMD, ENTRYPOINT, ENV,
 * WORKDIR, USER, EXPOSE, LABEL, STOPSIGNAL) shape its config.
 */
import type {Readable} from 'node:stream';
import {badRequest} from '../api/errors.js';
import type {ContainerConfig, ImageConfig} from './image-config.js';
import type {ImageStore} from './image-store.js';

function parseCommand(rest: string): string[] {
  const text = rest.trim();
  if (text.startsWith('[')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed;
    } catch {
      // not JSON: the shell form below
    }
  }
  return ['/bin/sh', '-c', text];
}

export function applyChanges(config: ContainerConfig, changes: string[]): ContainerConfig {
  const out: ContainerConfig = {...config};
  for (const change of changes) {
    const m = /^\s*(\w+)\s+([\s\S]*)$/.exec(change);
    if (!m) throw badRequest(`invalid change "${change}": expected INSTRUCTION ARGUMENTS`);
    const [, word, rest] = m;
    switch (word.toUpperCase()) {
      case 'CMD': out.Cmd = parseCommand(rest); break;
      case 'ENTRYPOINT': out.Entrypoint = parseCommand(rest); break;
      case 'WORKDIR': out.WorkingDir = rest.trim(); break;
      case 'USER': out.User = rest.trim(); break;
      case 'STOPSIGNAL': out.StopSignal = rest.trim(); break;
      case 'ENV': {
        const pairs = rest.includes('=') ? rest.trim().split(/\s+(?=[^\s=]+=)/) : [rest.trim().replace(/\s+/, '=')];
        const env = [...(out.Env ?? [])];
        for (const pair of pairs) {
          const key = pair.split('=')[0];
          const value = pair.slice(key.length + 1).replace(/^"(.*)"$/, '$1');
          const i = env.findIndex((e) => e.startsWith(`${key}=`));
          if (i >= 0) env[i] = `${key}=${value}`;
          else env.push(`${key}=${value}`);
        }
        out.Env = env;
        break;
      }
      case 'EXPOSE':
        out.ExposedPorts = {...out.ExposedPorts, ...Object.fromEntries(rest.trim().split(/\s+/).map((p) => [p.includes('/') ? p : `${p}/tcp`, {}]))};
        break;
      case 'LABEL': {
        const labels = {...out.Labels};
        for (const pair of rest.trim().split(/\s+(?=[^\s=]+=)/)) {
          const key = pair.split('=')[0];
          labels[key.replace(/^"(.*)"$/, '$1')] = pair.slice(key.length + 1).replace(/^"(.*)"$/, '$1');
        }
        out.Labels = labels;
        break;
      }
      default:
        throw badRequest(`${word} is not a valid change command`);
    }
  }
  return out;
}

export async function importImage(store: ImageStore, input: Readable, opts: {changes: string[]; message?: string; source: string}): Promise<string> {
  const config = applyChanges({Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']}, opts.changes);
  const staged = await store.layers.stage(input);
  store.layers.commit(staged, undefined);
  const created = new Date().toISOString();
  const image: ImageConfig = {
    architecture: 'amd64',
    os: 'linux',
    created,
    ...(opts.message ? {comment: opts.message} : {}),
    config,
    rootfs: {type: 'layers', diff_ids: [staged.diffId]},
    history: [{created, created_by: '', comment: opts.message || `Imported from ${opts.source}`}],
  };
  return store.register(Buffer.from(JSON.stringify(image)));
}
