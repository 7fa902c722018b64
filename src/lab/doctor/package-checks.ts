/** A check per entry of system-packages.json: its command on PATH or its file present, then its probe if any. */
import {existsSync} from 'node:fs';
import * as probe from './probes.js';
import type {Outcome, Prerequisite} from './prerequisite.js';
import {checkId, type SystemPackage} from './system-packages.js';

function commandPresent(cmd: string, versionArgs?: string[]): Outcome {
  const path = probe.which(cmd);
  if (!path) return {status: 'missing', detail: `\`${cmd}\` is not on PATH`};
  const version = versionArgs ? probe.versionOf(cmd, versionArgs) : '';
  return {status: 'ok', detail: version ? `${path} (${version})` : path};
}

function staticBusybox(file: string): Outcome {
  for (const path of [file, '/usr/bin/busybox']) {
    if (!existsSync(path)) continue;
    // busybox-static installs the same path as the dynamic busybox package; only the static one runs in FROM scratch.
    if (!probe.packageInstalled('busybox-static')) return {status: 'missing', detail: `${path} is the dynamic build, not busybox-static`};
    return {status: 'ok', detail: path};
  }
  return {status: 'missing', detail: 'no busybox binary (package busybox-static)'};
}

function staticLink(): Outcome {
  if (!probe.which('gcc')) return {status: 'missing', detail: 'needs gcc first'};
  const r = probe.staticLinkWorks();
  return {status: r.ok ? 'ok' : 'missing', detail: r.detail};
}

function check(p: SystemPackage): Outcome {
  if (p.probe === 'static-busybox') return staticBusybox(p.file ?? '/bin/busybox');
  if (p.probe === 'static-link') return staticLink();
  if (p.command) return commandPresent(p.command, p.versionArgs);
  return existsSync(p.file!) ? {status: 'ok', detail: p.file!} : {status: 'missing', detail: `${p.file} does not exist`};
}

export function packagePrerequisite(p: SystemPackage): Prerequisite {
  return {
    id: checkId(p),
    name: p.name ?? p.package,
    neededFor: p.neededFor,
    where: p.where,
    devOnly: p.devOnly,
    packages: [p.package],
    check: () => check(p),
  };
}
