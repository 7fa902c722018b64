// What a bench or a daemon may leave running: containers (removed while their daemon still runs) and, once the
// daemons are gone, runc containers and shims below the scratch dir.
import {existsSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {docker} from './docker-cli.mjs';
import {cmdline, log, run, terminate} from './proc.mjs';
import {session} from './session.mjs';

/** Containers of every engine still there, removed before the daemons stop. */
export async function removeAllContainers() {
  for (const engine of session.engines) {
    const ps = await docker(engine, ['ps', '-aq']);
    const ids = ps.stdout.trim().split('\n').filter(Boolean);
    if (ps.code === 0 && ids.length > 0) {
      log(`${engine.name}: removing ${ids.length} container(s) left over`);
      await docker(engine, ['rm', '-f', ...ids]);
    }
  }
}

/** runc roots below `dir`: directories whose subdirectories hold a state.json. */
function runcRoots(dir, depth = 5) {
  const found = [];
  let entries;
  try {
    entries = readdirSync(dir, {withFileTypes: true});
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const sub = join(dir, e.name);
    if (existsSync(join(sub, 'state.json'))) {
      if (!found.includes(dir)) found.push(dir);
    } else if (depth > 0) {
      found.push(...runcRoots(sub, depth - 1));
    }
  }
  return found;
}

/**
 * After the daemons stopped: containers runc still knows below the scratch dir are deleted, and shims whose
 * command line names the scratch dir are ended.
 */
export async function reapLeftovers() {
  if (!session.dir || !existsSync(session.dir)) return;
  for (const rootDir of runcRoots(session.dir)) {
    for (const id of readdirSync(rootDir)) {
      if (!existsSync(join(rootDir, id, 'state.json'))) continue;
      log(`runc container ${id.slice(0, 12)} outlived its daemon; deleting it`);
      await run('runc', ['--root', rootDir, 'delete', '--force', id]);
    }
  }
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid || pid === process.pid) continue;
    const args = cmdline(pid);
    if (!args || !/shim/.test(args[0] ?? '') || !args.some((a) => a.includes(session.dir))) continue;
    log(`shim ${pid} (${args[0]}) outlived its daemon; ending it`);
    await terminate(pid, 5000);
  }
}
