/**
 * `lab doctor --provider ssh`: the prerequisites of an existing machine, checked on that machine by its own copy
 * of lab (which the ssh provider runs from /opt/lab, as in the lab VM), so that the probes are the same real ones.
 */
import type {Environment} from '../../environment/environment.js';
import {packageRootIn} from '../providers/package-in-env.js';
import type {CheckResult, DoctorReport} from './types.js';

function packageMissing(env: Environment, detail: string): DoctorReport {
  const root = packageRootIn(env);
  const check: CheckResult = {
    id: 'lab-package', name: `lab at ${root}`, status: 'missing', detail,
    neededFor: 'the engine and the graders run on the lab machine', packages: [],
    fix: `copy this package to ${root} on ${env.id} (with Node.js ≥ 20 as node on PATH): npm pack, then tar -xzf lab-*.tgz --strip-components=1 -C ${root} && (cd ${root} && npm ci --omit=dev)`,
  };
  return {ready: false, checks: [check]};
}

export async function remoteDoctor(env: Environment): Promise<DoctorReport> {
  const r = await env.exec(['sh', '-c', `command -v node >/dev/null || { echo "node is not on PATH" >&2; exit 127; }; exec node ${packageRootIn(env)}/bin/run.js doctor --json --lab-machine`], {timeoutMs: 300_000});
  if (r.code === 127 || (r.code !== 0 && !r.stdout.trim().startsWith('{'))) return packageMissing(env, (r.stderr.trim().split('\n').pop() ?? '') || `exit ${r.code}`);
  try {
    return JSON.parse(r.stdout) as DoctorReport;
  } catch {
    return packageMissing(env, `its doctor printed no report: ${r.stderr.trim().slice(-200)}`);
  }
}
