/**
 * The engine's only way to change the host's network: iproute2's `ip`, as an administrator would type it.
 * Several changes go through one `ip -batch` process, so a container's network costs two process starts.
 */
import {spawn} from 'node:child_process';

export class IpError extends Error {
  override name = 'IpError';
}

function runIp(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', args, {stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']});
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new IpError(`ip ${args.join(' ')}: ${e.message} (is iproute2 installed?)`)));
    // ip never needs long; one stuck on the kernel is killed so the container's start fails instead of hanging.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') reject(new IpError(`ip ${args.join(' ')}: did not finish within 30s`));
      else if (code === 0) resolve(out);
      else reject(new IpError(`ip ${args.join(' ')}${input ? ` <<< ${input.trim().replaceAll('\n', '; ')}` : ''}: ${err.trim() || `exit ${code}`}`));
    });
    // If ip dies early its stdin is closed; the exit status then tells what went wrong.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

export const ip = (...args: string[]) => runIp(args);

/** Runs `ip` commands in order in one process; `-n` runs them inside a named network namespace. */
export function ipBatch(lines: string[], opts: {netns?: string; force?: boolean} = {}): Promise<string> {
  const args = [...(opts.netns ? ['-n', opts.netns] : []), ...(opts.force ? ['-force'] : []), '-batch', '-'];
  return runIp(args, lines.join('\n') + '\n');
}

export interface LinkInfo {
  ifname: string;
  ifalias?: string;
  operstate?: string;
  master?: string;
  linkinfo?: {info_kind?: string};
}

export async function linkInfo(name: string): Promise<LinkInfo | undefined> {
  try {
    return (JSON.parse(await ip('-j', '-d', 'link', 'show', 'dev', name)) as LinkInfo[])[0];
  } catch {
    return undefined;
  }
}

export async function links(): Promise<LinkInfo[]> {
  return JSON.parse(await ip('-j', 'link', 'show')) as LinkInfo[];
}

/** The IPv4 addresses on a device as "a.b.c.d/len". */
export async function addresses(dev: string): Promise<string[]> {
  const data = JSON.parse(await ip('-j', '-4', 'addr', 'show', 'dev', dev)) as Array<{addr_info?: Array<{local: string; prefixlen: number}>}>;
  return (data[0]?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
}

/** The host's IPv4 routes (every table the host routes by), as destination prefix and device. */
export async function routes(): Promise<Array<{dst: string; dev?: string}>> {
  const data = JSON.parse(await ip('-j', '-4', 'route', 'show', 'table', 'all')) as Array<{dst: string; dev?: string; type?: string}>;
  return data.filter((r) => r.dst !== 'default' && (r.type === undefined || r.type === 'unicast'));
}

