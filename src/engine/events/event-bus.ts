/** Engine events (`docker events`): kept in a bounded history for `--since`, pushed live to subscribers. */
export interface EngineEvent {
  Type: 'image' | 'container' | 'network' | 'volume' | 'daemon' | 'builder';
  Action: string;
  Actor: {ID: string; Attributes: Record<string, string>};
  scope: 'local';
  time: number;
  timeNano: number;
  // Fields older clients read.
  status?: string;
  id?: string;
  from?: string;
}

type Listener = (event: EngineEvent) => void;

export class EventBus {
  private readonly history: EngineEvent[] = [];
  private readonly listeners = new Set<Listener>();
  /** Attributes an actor always carries (dockerd copies an image's labels into every event about it). */
  private readonly actorAttributes = new Map<EngineEvent['Type'], (id: string) => Record<string, string> | undefined>();

  constructor(private readonly limit = 1000) {}

  /** `attributes(id)` is looked up for every event of `type`; the event's own attributes win over it. */
  describeActors(type: EngineEvent['Type'], attributes: (id: string) => Record<string, string> | undefined): void {
    this.actorAttributes.set(type, attributes);
  }

  emit(type: EngineEvent['Type'], action: string, id: string, own: Record<string, string> = {}): EngineEvent {
    let base: Record<string, string> | undefined;
    try {
      base = id ? this.actorAttributes.get(type)?.(id) : undefined;
    } catch {
      base = undefined; // an actor already gone (a deleted image) has no attributes to add
    }
    const attributes = base ? {...base, ...own} : own;
    const nowNs = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
    const event: EngineEvent = {
      Type: type,
      Action: action,
      Actor: {ID: id, Attributes: attributes},
      scope: 'local',
      time: Number(nowNs / 1_000_000_000n),
      timeNano: Number(nowNs),
    };
    if (type === 'image' || type === 'container') {
      event.status = action;
      event.id = id;
      if (attributes.image ?? attributes.name) event.from = type === 'container' ? attributes.image : undefined;
    }
    this.history.push(event);
    if (this.history.length > this.limit) this.history.shift();
    for (const l of this.listeners) l(event);
    return event;
  }

  since(fromNs: number, untilNs = Infinity): EngineEvent[] {
    return this.history.filter((e) => e.timeNano >= fromNs && e.timeNano <= untilNs);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** `--filter type=image --filter event=tag --filter image=busybox`: every named filter must match one of its values. */
export function eventMatches(event: EngineEvent, filters: Map<string, string[]>): boolean {
  for (const [name, values] of filters) {
    const attrs = event.Actor.Attributes;
    const candidates: Array<string | undefined> =
      name === 'type' ? [event.Type]
      : name === 'event' ? [event.Action, event.Action.split(':')[0]]
      : name === 'image' ? [event.Type === 'image' ? event.Actor.ID : undefined, attrs.image, attrs.name]
      : name === 'container' ? [event.Type === 'container' ? event.Actor.ID : undefined, event.Type === 'container' ? attrs.name : undefined]
      : name === 'label' ? Object.entries(attrs).flatMap(([k, v]) => [k, `${k}=${v}`])
      : [attrs[name]];
    const ok = values.some((v) => candidates.some((c) => c !== undefined && (c === v || (name !== 'type' && name !== 'event' && c.startsWith(v)))));
    if (!ok) return false;
  }
  return true;
}

/** Docker's time arguments: unix seconds (with optional fraction) → nanoseconds. */
export function parseEventTime(value: string | null, fallback: number): number {
  if (value === null || value === '') return fallback;
  const [s, frac = ''] = value.split('.');
  const secs = Number(s);
  if (!Number.isFinite(secs)) return fallback;
  return secs * 1e9 + Number((frac + '000000000').slice(0, 9));
}
