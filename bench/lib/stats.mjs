// Medians, quantiles and ratios: every figure the benches print is one of these over a set of runs.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The q-quantile (0..1) by linear interpolation between the closest ranks. */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** median, min, p90 and max of a list of numbers. */
export const spread = (values) => ({median: median(values), min: Math.min(...values), p90: quantile(values, 0.9), max: Math.max(...values)});

/** median, min, p90, max and n of one measure over the runs that succeeded (a failed run is null). */
export function stats(runs, key) {
  const values = runs.filter(Boolean).map((r) => r[key]).filter((v) => typeof v === 'number');
  if (values.length === 0) return undefined;
  return {median: median(values), min: Math.min(...values), p90: quantile(values, 0.9), max: Math.max(...values), n: values.length, all: values};
}

/** Median of the per-run ratios labd/dockerd: run i of each engine saw the same machine. */
export function pairedRatio(labdRuns, dockerdRuns, key) {
  const ratios = [];
  for (let i = 0; i < Math.min(labdRuns.length, dockerdRuns.length); i++) {
    const l = labdRuns[i]?.[key];
    const d = dockerdRuns[i]?.[key];
    if (typeof l === 'number' && typeof d === 'number' && d > 0) ratios.push(l / d);
  }
  return ratios.length ? median(ratios) : undefined;
}

/** The median of each named value over a list of records ({[key]: {name: number | undefined}}), names in first-seen order. */
export function mediansOf(records, key) {
  const names = [...new Set(records.flatMap((x) => Object.keys(x[key])))];
  return Object.fromEntries(names.map((n) => {
    const values = records.map((x) => x[key][n]).filter((v) => v !== undefined);
    return [n, values.length ? median(values) : undefined];
  }));
}
