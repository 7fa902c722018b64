/**
 * The engine daemon seen from outside: its pid from its pidfile, its configuration files as text, the TCP sockets
 * it really listens on (the kernel's socket table crossed with its open files), and whether the API answers on TCP.
 */
import {readFileSync, readdirSync, readlinkSync} from 'node:fs';
import {request} from 'node:http';
import type {DaemonSnapshot} from '../../../graders/snapshot.js';
import {parseProcNetTcp} from './proc-net.js';
import type {SnapshotRequest} from './snapshot-request.js';

function readText(path: string): {path: string; text?: string; error?: string} {
  try {
    return {path, text: readFileSync(path, 'utf8')};
  } catch (error) {
    return {path, error: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message};
  }
}

/** Inodes of the sockets among /proc/<pid>/fd (links read as socket:[12345]). */
function socketInodes(pid: number): Set<number> {
  const inodes = new Set<number>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(Number(m[1]));
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

function versionOverTcp(port: number): Promise<NonNullable<DaemonSnapshot['api']>> {
  return new Promise((resolve) => {
    const req = request({host: '127.0.0.1', port, path: '/version', method: 'GET', timeout: 3000, headers: {Host: 'localhost'}}, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {ApiVersion?: string};
          resolve(res.statusCode === 200 && body.ApiVersion ? {port, ok: true, apiVersion: body.ApiVersion} : {port, ok: false, error: `HTTP ${res.statusCode} without an engine version`});
        } catch {
          resolve({port, ok: false, error: `HTTP ${res.statusCode}, not an Engine API answer`});
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => resolve({port, ok: false, error: error.message}));
    req.end();
  });
}

export async function daemonSnapshot(want: NonNullable<SnapshotRequest['daemon']>): Promise<DaemonSnapshot> {
  const out: DaemonSnapshot = {pidfile: want.pidfile, configFile: readText(want.configFile), listeners: []};
  if (want.optionsFile) out.optionsFile = readText(want.optionsFile);
  try {
    const pid = Number(readFileSync(want.pidfile, 'utf8').trim());
    out.comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    out.pid = pid;
  } catch (error) {
    out.pidError = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `no process for the pidfile ${want.pidfile}` : (error as Error).message;
  }
  const owned = out.pid ? socketInodes(out.pid) : new Set<number>();
  for (const [file, family] of [['/proc/net/tcp', 4], ['/proc/net/tcp6', 6]] as const) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const s of parseProcNetTcp(text, family)) {
      if (s.port === want.tcpPort || owned.has(s.inode)) out.listeners.push({...s, ownedByDaemon: owned.has(s.inode)});
    }
  }
  if (out.listeners.some((l) => l.port === want.tcpPort)) out.api = await versionOverTcp(want.tcpPort);
  return out;
}
