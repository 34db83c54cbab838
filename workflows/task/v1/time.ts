/**
 * Instants as ISO-8601 strings. Pure: parsing a fixed string is deterministic; nothing reads the clock.
 */

/** Date and time with a zone designator (`Z` or ±hh:mm): an instant, not a local date. */
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;

export const DAY_MS = 86_400_000;

/**
 * True for an ISO-8601 date-time with a zone designator whose fields exist on the calendar. (`Date.parse`
 * alone would roll `2025-02-30` over to 2 March and accept `24:00`.)
 */
export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(parseInstant(value));
}

/**
 * Guards check the same few `at` strings many times per event (can(), each guard, toIso), so parses are
 * memoized: a pure function of the string, bounded in size.
 */
const parsed = new Map<string, number>();

function parseInstant(value: string): number {
  let result = parsed.get(value);
  if (result === undefined) {
    result = strictParse(value);
    if (parsed.size >= 4096) parsed.clear();
    parsed.set(value, result);
  }
  return result;
}

function strictParse(value: string): number {
  const m = INSTANT_RE.exec(value);
  if (m === null) return Number.NaN;
  const [year, month, day, hour, minute, second, offH, offM] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59 || offH > 23 || offM > 59) return Number.NaN;
  return Date.parse(value);
}

/** Milliseconds since the epoch; NaN for anything that is not an instant. */
export function ms(value: string): number {
  return typeof value === 'string' ? parseInstant(value) : Number.NaN;
}

/** Canonical form `YYYY-MM-DDTHH:mm:ss.sssZ` (what the context stores). */
export function toIso(value: string): string {
  return new Date(ms(value)).toISOString();
}

export function isoFromMs(value: number): string {
  return new Date(value).toISOString();
}

/** Whole days late, rounded up; 0 when `at` is not after `dueAt`. */
export function lateDaysBetween(dueAt: string, at: string): number {
  const diff = ms(at) - ms(dueAt);
  return diff > 0 ? Math.ceil(diff / DAY_MS) : 0;
}
