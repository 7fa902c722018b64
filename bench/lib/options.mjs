// The command line of an engine bench: the options they all have (--runs, --warmup, --engines, --dir,
// --cpu-prof, --json, --help) plus each bench's own.
import {parseArgs} from 'node:util';

/**
 * Parses the command line: the common options plus `extra` (parseArgs option specs). Exits 2 with `usage` on a
 * bad option. `minRuns` is the fewest timed runs per engine allowed (`minRunsWhy` is added to that message).
 * The result has the values, `runs`, `warmup`, `engineNames`, and `fail`, `int` and `seconds` for the bench's
 * own options.
 */
export function parseOptions(name, usage, {runs, warmup, minRuns = 1, minRunsWhy, extra = {}}) {
  let values;
  try {
    values = parseArgs({
      options: {
        runs: {type: 'string', default: String(runs)},
        warmup: {type: 'string', default: String(warmup)},
        engines: {type: 'string', default: 'labd,dockerd'},
        dir: {type: 'string'},
        'cpu-prof': {type: 'boolean', default: false},
        json: {type: 'boolean', default: false},
        help: {type: 'boolean', short: 'h', default: false},
        ...extra,
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const fail = (message) => {
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(2);
  };
  const int = (key, zeroOk = false) => {
    const n = Number(values[key]);
    if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1)) fail(`--${key}: "${values[key]}" is not a ${zeroOk ? 'non-negative' : 'positive'} integer`);
    return n;
  };
  const seconds = (key) => {
    const n = Number(values[key]);
    if (!(n >= 0)) fail(`--${key}: "${values[key]}" is not a number of seconds`);
    return n;
  };
  const opts = {...values, fail, int, seconds, runs: int('runs'), warmup: int('warmup', true)};
  if (opts.runs < minRuns) fail(`--runs: at least ${minRuns} runs per engine${minRunsWhy ? `, ${minRunsWhy}` : ''}`);
  opts.engineNames = values.engines.split(',').map((s) => s.trim()).filter(Boolean);
  if (opts.engineNames.length === 0) fail('--engines: name at least one engine');
  for (const e of opts.engineNames) if (!['labd', 'dockerd'].includes(e)) fail(`--engines: unknown engine "${e}"`);
  return opts;
}
