/**
 * Facts only a client can give: the disk use of an interactive container's root file system (what `du -s /`
 * inside shows), and a PostgreSQL server reached as a student reaches it, with psql through the published port.
 */
import {spawnSync} from 'node:child_process';
import {lstatSync, readdirSync, realpathSync} from 'node:fs';
import {join} from 'node:path';
import type {PostgresFacts} from '../../../graders/snapshot.js';

/** Blocks in use under the dirs, each inode once (as du counts hard links), in KiB. */
export function diskUseKb(dirs: string[]): number {
  const seen = new Set<string>();
  let blocks = 0;
  const walk = (path: string, depth: number): void => {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return;
    }
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    blocks += st.blocks;
    if (!st.isDirectory() || depth > 64) return;
    for (const name of readdirSync(path)) walk(join(path, name), depth + 1);
  };
  // Layer dirs may be named through links (overlay2/l/<short>): the dirs they lead to are walked.
  for (const d of dirs) {
    try {
      walk(realpathSync(d), 0);
    } catch {
      // a layer dir gone meanwhile counts nothing
    }
  }
  return Math.round((blocks * 512) / 1024);
}

const envOf = (env: string[], name: string) => env.find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);

/** psql on this machine to 127.0.0.1:port as the image's superuser, with the password the container was given. */
export function postgresFacts(port: number, hostIp: string, env: string[]): PostgresFacts {
  const user = envOf(env, 'POSTGRES_USER') || 'postgres';
  const db = envOf(env, 'POSTGRES_DB') || user;
  const host = hostIp && hostIp !== '0.0.0.0' && hostIp !== '::' ? hostIp : '127.0.0.1';
  const r = spawnSync('psql', ['-h', host, '-p', String(port), '-U', user, '-d', db, '-w', '-At', '-c', 'SELECT system_identifier FROM pg_control_system()', '-c', "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"], {
    encoding: 'utf8', timeout: 15_000,
    env: {PATH: process.env.PATH ?? '/usr/bin:/bin', PGPASSWORD: envOf(env, 'POSTGRES_PASSWORD') ?? '', PGCONNECT_TIMEOUT: '5'},
  });
  if (r.error) return {port, connected: false, error: `psql could not run: ${r.error.message}`};
  if (r.status !== 0) return {port, connected: false, error: (r.stderr || `psql exited ${r.status}`).trim().split('\n')[0]};
  const [id, ...tables] = r.stdout.trim().split('\n');
  // The system identifier is initdb's time in seconds (upper 32 bits), then microseconds and the PID.
  const initdbAt = Number(BigInt(id.trim()) >> 32n);
  return {port, connected: true, initdbAt, tables: tables.filter(Boolean)};
}
