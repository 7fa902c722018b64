/** `lab doctor --fix`: install missing Debian packages with apt-get, reporting progress as apt reports it. */
import {spawn} from 'node:child_process';
import {chmodSync, existsSync, readdirSync, rmSync, writeFileSync} from 'node:fs';

const policyRcD = '/usr/sbin/policy-rc.d';

export interface AptProgress {
  phase: 'update' | 'download' | 'install';
  percent: number;
  message: string;
}

/** apt writes machine-readable lines to Status-Fd: `dlstatus:N:PERCENT:MSG` and `pmstatus:PKG:PERCENT:MSG`. */
export function parseAptStatus(line: string): AptProgress | undefined {
  const m = /^(dlstatus|pmstatus):[^:]*:([\d.]+):(.*)$/.exec(line.trim());
  if (!m) return undefined;
  return {phase: m[1] === 'dlstatus' ? 'download' : 'install', percent: Math.round(Number(m[2])), message: m[3]};
}

function aptListsPresent(): boolean {
  try {
    return readdirSync('/var/lib/apt/lists').some((f) => f.endsWith('_Packages'));
  } catch {
    return false;
  }
}

function runApt(args: string[], phase: AptProgress['phase'], onProgress: (p: AptProgress) => void): Promise<{code: number; output: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn('apt-get', ['-o', 'APT::Status-Fd=3', '-q', ...args], {
      env: {...process.env, DEBIAN_FRONTEND: 'noninteractive'},
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    let pending = '';
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const p = parseAptStatus(line);
        if (p) onProgress(phase === 'update' ? {...p, phase} : p);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({code: code ?? 1, output}));
  });
}

/** Installs the packages; refreshes the package lists first when there are none or the install cannot find a package. */
export async function installPackages(packages: string[], onProgress: (p: AptProgress) => void): Promise<void> {
  if (packages.length === 0) return;
  const madePolicy = denyServiceStarts();
  try {
    await install(packages, onProgress);
  } finally {
    if (madePolicy) rmSync(policyRcD, {force: true});
  }
}

/**
 * docker.io, docker-registry and redis-server come with system services; lab starts its own private instances, so
 * their installs must not start a system dockerd on /var/run/docker.sock or a registry on port 5000. invoke-rc.d
 * and deb-systemd-invoke both ask policy-rc.d, which answers 101 (not allowed) while apt runs. A policy the
 * machine already has is left as it is.
 */
function denyServiceStarts(): boolean {
  if (existsSync(policyRcD)) return false;
  writeFileSync(policyRcD, '#!/bin/sh\n# made by lab doctor --fix for the length of an apt-get install\nexit 101\n');
  chmodSync(policyRcD, 0o755);
  return true;
}

async function install(packages: string[], onProgress: (p: AptProgress) => void): Promise<void> {
  if (!aptListsPresent()) await update(onProgress);
  let r = await runApt(['install', '-y', '--no-install-recommends', ...packages], 'install', onProgress);
  if (r.code !== 0 && /Unable to locate package|has no installation candidate|404/.test(r.output)) {
    await update(onProgress);
    r = await runApt(['install', '-y', '--no-install-recommends', ...packages], 'install', onProgress);
  }
  if (r.code !== 0) {
    const last = r.output.trim().split('\n').slice(-3).join('\n');
    throw new Error(`apt-get install ${packages.join(' ')} failed (exit ${r.code}):\n${last}`);
  }
}

async function update(onProgress: (p: AptProgress) => void): Promise<void> {
  onProgress({phase: 'update', percent: 0, message: 'Refreshing package lists'});
  const r = await runApt(['update'], 'update', onProgress);
  if (r.code !== 0) throw new Error(`apt-get update failed (exit ${r.code}):\n${r.output.trim().split('\n').slice(-3).join('\n')}`);
}
