/**
 * Wall-clock times an LMS writes without a zone — a zip entry's DOS time, a Moodle worksheet's "Monday, 7 December
 * 2026, 10:15 PM" — read in the zone they were written in: the one named (`--timezone Europe/Prague`), else this
 * machine's (TZ).
 */
export interface WallClock {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Throws a RangeError naming the zone when it is not one the system knows. */
export function checkZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en', {timeZone: zone});
  } catch {
    throw new RangeError(`"${zone}" is not a time zone this system knows (e.g. Europe/Prague, UTC)`);
  }
}

function offsetAt(utc: number, zone: string): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric'})
    .formatToParts(new Date(utc)).map((p) => [p.type, Number(p.value)]));
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - Math.floor(utc / 1000) * 1000;
}

/** The instant a wall-clock time stands for in `zone` (or locally); undefined when the fields are no real date. */
export function zonedTime(w: WallClock, zone?: string): Date | undefined {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const back = new Date(asUtc);
  // Date.UTC rolls 31 February over into March: such a date is refused, not moved.
  if (back.getUTCFullYear() !== w.year || back.getUTCMonth() !== w.month - 1 || back.getUTCDate() !== w.day || w.hour > 23 || w.minute > 59 || w.second > 59) return undefined;
  if (!zone) return new Date(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  // Twice: the zone's offset at the guess may differ from the one at the answer (a DST change in between).
  let t = asUtc - offsetAt(asUtc, zone);
  t = asUtc - offsetAt(t, zone);
  return new Date(t);
}
