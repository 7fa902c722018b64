/**
 * Comparing two engines' JSON answers: key sets and value types, recursively, and the values at chosen paths.
 * Elements of an array are merged into one shape (every key any element has), so lists of different lengths
 * compare by what their items look like. Object keys that are 64-hex IDs (containers, networks, images) differ
 * between two engines by nature and are compared as one key, `<id>`.
 */

export interface Difference {
  /** Where, as dotted keys from the top (`[]` for the items of an array, `(status)` for the HTTP status). */
  path: string;
  /** What: `missing in labd`, `only in labd`, `type`, `value`. */
  kind: 'missing in labd' | 'only in labd' | 'type' | 'value' | 'status';
  labd?: unknown;
  dockerd?: unknown;
}

const isId = (key: string) => /^[0-9a-f]{64}$/.test(key);
type Json = null | boolean | number | string | Json[] | {[key: string]: Json};

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** All the items of an array as one: objects merged key by key, the first non-null value of each key kept. */
function mergeItems(items: Json[]): Json | undefined {
  let merged: Json | undefined;
  for (const item of items) merged = merged === undefined ? item : mergeTwo(merged, item);
  return merged;
}

function mergeTwo(a: Json, b: Json): Json {
  if (a === null) return b;
  if (typeName(a) !== typeName(b)) return a;
  if (Array.isArray(a)) return [...a, ...(b as Json[])];
  if (typeof a === 'object') {
    const out: {[key: string]: Json} = {...a};
    for (const [k, v] of Object.entries(b as {[key: string]: Json})) out[k] = k in out ? mergeTwo(out[k]!, v) : v;
    return out;
  }
  return a;
}

function normalKeys(o: {[key: string]: Json}): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [k, v] of Object.entries(o)) {
    const key = isId(k) ? '<id>' : k;
    out.set(key, out.has(key) ? mergeTwo(out.get(key)!, v) : v);
  }
  return out;
}

/** The differences in shape between labd's and dockerd's JSON. */
export function shapeDifferences(labd: unknown, dockerd: unknown, path = ''): Difference[] {
  const lt = typeName(labd);
  const dt = typeName(dockerd);
  if (lt !== dt) return [{path: path || '.', kind: 'type', labd: lt, dockerd: dt}];
  if (lt === 'array') {
    const l = mergeItems(labd as Json[]);
    const d = mergeItems(dockerd as Json[]);
    // An empty list says nothing of its items' shape.
    if (l === undefined || d === undefined) return [];
    return shapeDifferences(l, d, `${path}[]`);
  }
  if (lt !== 'object') return [];
  const lk = normalKeys(labd as {[key: string]: Json});
  const dk = normalKeys(dockerd as {[key: string]: Json});
  const out: Difference[] = [];
  const at = (k: string) => (path ? `${path}.${k}` : k);
  for (const [k, v] of dk) {
    if (!lk.has(k)) out.push({path: at(k), kind: 'missing in labd', dockerd: v});
    else out.push(...shapeDifferences(lk.get(k), v, at(k)));
  }
  for (const [k, v] of lk) if (!dk.has(k)) out.push({path: at(k), kind: 'only in labd', labd: v});
  return out;
}

/**
 * The values at a path pattern: dotted keys, `*` for every key or item at that level, `#` for an array's length.
 * `[*].Names` is written `*.Names`.
 */
export function valuesAt(json: unknown, pattern: string): unknown[] {
  let nodes: unknown[] = [json];
  for (const step of pattern.split('.')) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if (step === '#') {
        if (Array.isArray(node)) next.push(node.length);
      } else if (step === '*') {
        if (node && typeof node === 'object') next.push(...Object.values(node));
      } else if (node && typeof node === 'object' && step in node) {
        next.push((node as Record<string, unknown>)[step]);
      }
    }
    nodes = next;
  }
  return nodes;
}

/** JSON with sorted keys, and IDs (64 or 12 hex digits, which differ between two engines by nature) written `<id>`. */
function canonical(v: unknown): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (x && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort((x as Record<string, unknown>)[k])]));
    return typeof x === 'string' ? x.replace(/\b[0-9a-f]{64}\b/g, '<id>').replace(/\b[0-9a-f]{12}\b/g, '<short id>') : x;
  };
  return JSON.stringify(sort(v));
}

/** Whether the values at each pattern are the same on both sides (as sets: list orders are the engine's own). */
export function valueDifferences(labd: unknown, dockerd: unknown, patterns: string[]): Difference[] {
  const out: Difference[] = [];
  for (const pattern of patterns) {
    const l = valuesAt(labd, pattern).map(canonical).sort();
    const d = valuesAt(dockerd, pattern).map(canonical).sort();
    if (JSON.stringify(l) !== JSON.stringify(d)) {
      const show = (a: string[]) => (a.length === 1 ? JSON.parse(a[0]!) : a.map((s) => JSON.parse(s)));
      out.push({path: pattern, kind: 'value', labd: show(l), dockerd: show(d)});
    }
  }
  return out;
}
