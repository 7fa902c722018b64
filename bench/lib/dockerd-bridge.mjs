// A bridge of the bench's own for dockerd, which needs one for -p: a device and a free subnet, never a docker0
// that labd or a real Docker owns, and the iptables rules dockerd adds for it, undone after it stops.
import {log, must, run} from './proc.mjs';
import {session} from './session.mjs';

/** A /24 in 198.18.0.0/15 (set aside for benchmarks) that no host route overlaps. */
async function freeSubnet() {
  const routes = JSON.parse((await must('ip', ['-j', '-4', 'route', 'show', 'table', 'all'])).stdout || '[]');
  const toInt = (ip) => ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  const ranges = routes.filter((r) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(r.dst)).map((r) => {
    const [addr, bits = '32'] = r.dst.split('/');
    const size = 2 ** (32 - Number(bits));
    const start = Math.floor(toInt(addr) / size) * size;
    return [start, start + size - 1];
  });
  for (let x = 0; x < 512; x++) {
    const start = toInt('198.18.0.0') + x * 256;
    if (!ranges.some(([a, b]) => a <= start + 255 && start <= b)) return `198.${18 + (x >> 8)}.${x & 255}`;
  }
  throw new Error('no free /24 in 198.18.0.0/15 for dockerd\'s bridge');
}

/** Creates the bridge dockerd is given with --bridge; it is deleted after the daemons stop. */
export async function makeBridge() {
  const name = `lbb${process.pid % 100000}`;
  const prefix = await freeSubnet();
  await must('ip', ['link', 'add', name, 'type', 'bridge']);
  session.afterStop.push(async () => {
    const r = await run('ip', ['link', 'del', name]);
    if (r.code !== 0) log(`ip link del ${name}: ${r.stderr.trim()}`);
  });
  await must('ip', ['addr', 'add', `${prefix}.1/24`, 'dev', name]);
  await must('ip', ['link', 'set', name, 'up']);
  return {name, subnet: `${prefix}.0/24`, gateway: `${prefix}.1`};
}

const TABLES = ['nat', 'filter'];

async function iptablesRules(table) {
  const r = await run('iptables', ['-w', '-t', table, '-S']);
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

/** `iptables -S` lines into argument lists (dockerd's rules quote nothing but comments). */
function ruleArgs(line) {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/**
 * The rules dockerd adds for its bridge stay after it stops. Remembers the rules before it starts; afterwards
 * deletes the rules added since that name the bridge or its subnet or use a chain made since, then those chains.
 */
export async function guardIptables(bridge) {
  const before = {};
  for (const t of TABLES) before[t] = new Set(await iptablesRules(t));
  session.afterStop.push(async () => {
    for (const t of TABLES) {
      const added = (await iptablesRules(t)).filter((l) => !before[t].has(l));
      const chains = added.filter((l) => l.startsWith('-N ')).map((l) => l.slice(3).trim());
      const ours = (l) => l.includes(bridge.name) || l.includes(bridge.subnet) || chains.some((c) => ruleArgs(l).includes(c));
      for (const l of added.filter((x) => x.startsWith('-A ') && ours(x))) {
        const args = ruleArgs(l);
        const r = await run('iptables', ['-w', '-t', t, '-D', ...args.slice(1)]);
        if (r.code !== 0) log(`iptables -t ${t} -D ${args.slice(1).join(' ')}: ${r.stderr.trim()}`);
      }
      for (const c of chains) {
        await run('iptables', ['-w', '-t', t, '-F', c]);
        const r = await run('iptables', ['-w', '-t', t, '-X', c]);
        if (r.code !== 0) log(`iptables -t ${t} -X ${c}: ${r.stderr.trim()}`);
      }
      if (added.length) log(`iptables ${t}: removed ${added.filter((x) => x.startsWith('-A ') && ours(x)).length} rule(s) and ${chains.length} chain(s) dockerd added`);
    }
  });
}
