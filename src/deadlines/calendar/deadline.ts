/**
 * What a node's dates mean as instants. Instants come back as ISO-8601 strings in UTC with
 * milliseconds ('2026-06-30T15:59:59.000Z'): fixed width, so they sort as text in time order.
 *
 * Definitions (a plan's timezone defaults to Asia/Shanghai):
 * - due instant: 23:59:59.000 local time on the due date. The node is overdue (red) from that
 *   instant on: `at >= dueInstant`.
 * - warn instant: 00:00:00.000 local time at the START of the working day that lies N working days
 *   before the due date, i.e. the day `calendar.addWorkingDays(dueDate, -N)`. The due date itself is
 *   not counted, and need not be a working day. N = 0 means the start of the due date itself.
 *   Example: N = 3 and a Monday due date → the previous Wednesday 00:00 (Fri = 1, Thu = 2, Wed = 3);
 *   holidays are skipped and make-up working days (调休上班) count as working days.
 * - days overdue / days left: whole calendar days between the local dates (in the plan's timezone)
 *   of the two instants, not 24-hour periods and not working days.
 */
import { DateTime } from 'luxon';
import { isIsoDate, InvalidDateError, type IsoDate } from './iso-date.js';
import type { CalendarAnswer } from './types.js';
import type { WorkingCalendar } from './working-calendar.js';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

/** An IANA timezone name luxon does not know (e.g. a typo in a plan's configuration). */
export class InvalidTimezoneError extends RangeError {
  constructor(readonly timezone: string) {
    super(`unknown IANA timezone: ${JSON.stringify(timezone)}`);
    this.name = 'InvalidTimezoneError';
  }
}

/** Thrown for an instant that is not an ISO-8601 date-time with an offset or Z. */
export class InvalidInstantError extends RangeError {
  constructor(readonly value: unknown) {
    super(`not an ISO-8601 instant with a UTC offset: ${JSON.stringify(value)}`);
    this.name = 'InvalidInstantError';
  }
}

/** Zone validity, cached: checking costs as much as the computation itself. */
const zoneValidity = new Map<string, boolean>();

function assertTimezone(timezone: string): void {
  let valid = zoneValidity.get(timezone);
  if (valid === undefined) {
    valid = typeof timezone === 'string' && DateTime.fromMillis(0, { zone: timezone }).isValid;
    if (zoneValidity.size > 1_000) zoneValidity.clear();
    zoneValidity.set(timezone, valid);
  }
  if (!valid) throw new InvalidTimezoneError(timezone);
}

/**
 * Local wall-clock time on a civil date → UTC ISO string. Pure, so memoised: a plan's thousands of
 * nodes share a few dozen due dates. Bounded: cleared when it grows past MEMO_LIMIT entries.
 */
const MEMO_LIMIT = 50_000;
const localTimeMemo = new Map<string, string>();

function localTimeToUtcIso(date: IsoDate, timezone: string, endOfDay: boolean): string {
  const key = `${timezone}|${date}|${endOfDay ? 'E' : 'S'}`;
  const hit = localTimeMemo.get(key);
  if (hit !== undefined) return hit;
  if (!isIsoDate(date)) throw new InvalidDateError(date);
  assertTimezone(timezone);
  const [year, month, day] = [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
  const time = endOfDay ? { hour: 23, minute: 59, second: 59, millisecond: 0 } : { hour: 0, minute: 0, second: 0, millisecond: 0 };
  // Where the local time does not exist (a DST jump at 00:00, e.g. America/Santiago) luxon moves it
  // forward by the gap: the day then starts at 01:00, its first existing instant.
  const dt = DateTime.fromObject({ year, month, day, ...time }, { zone: timezone });
  const iso = new Date(dt.toMillis()).toISOString();
  if (localTimeMemo.size >= MEMO_LIMIT) localTimeMemo.clear();
  localTimeMemo.set(key, iso);
  return iso;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** Milliseconds of an ISO-8601 instant that carries an offset or Z ('…Z', '…+08:00', '…+0800'). */
function instantMs(instant: string): number {
  if (typeof instant !== 'string' || !INSTANT.test(instant) || !isIsoDate(instant.slice(0, 10))) throw new InvalidInstantError(instant);
  const ms = Date.parse(instant); // strict enough once the shape and the date are checked
  if (Number.isNaN(ms)) throw new InvalidInstantError(instant);
  return ms;
}

/** The civil date (as a UTC-midnight millisecond count) of an instant in `timezone`. */
function localCivilDay(ms: number, timezone: string): number {
  const local = DateTime.fromMillis(ms, { zone: timezone });
  return Date.UTC(local.year, local.month - 1, local.day);
}

/**
 * The instant a node falls due: 23:59:59.000 local time on `dueDate` in `timezone`, as a UTC ISO
 * string. 2026-06-30 in Asia/Shanghai (UTC+8, no DST) → '2026-06-30T15:59:59.000Z'.
 * In zones with daylight saving the offset in force at that local time is used.
 */
export function dueInstant(dueDate: IsoDate, timezone: string = DEFAULT_TIMEZONE): string {
  return localTimeToUtcIso(dueDate, timezone, true);
}

export interface WarnInstantDetail {
  /** The warn instant, UTC ISO. */
  at: string;
  /** The local working day whose start is the warn instant. */
  warnDate: IsoDate;
  /** Years without holiday data that the count crossed (plain weekends assumed). */
  unknownYears: number[];
  /** Years with provisional holiday data that the count crossed. */
  provisionalYears: number[];
}

/**
 * The instant a node turns yellow: the START (00:00:00.000 local) of the working day that lies
 * `workingDaysBefore` working days before `dueDate` — `calendar.addWorkingDays(dueDate, -N)` — in
 * `timezone`, as a UTC ISO string. See the module comment for the exact definition.
 */
export function warnInstant(dueDate: IsoDate, workingDaysBefore: number, calendar: WorkingCalendar, timezone: string = DEFAULT_TIMEZONE): string {
  return warnInstantDetailed(dueDate, workingDaysBefore, calendar, timezone).at;
}

/** `warnInstant` with the day it lands on and the data-quality flags of the count. */
export function warnInstantDetailed(
  dueDate: IsoDate,
  workingDaysBefore: number,
  calendar: WorkingCalendar,
  timezone: string = DEFAULT_TIMEZONE,
): WarnInstantDetail {
  if (!Number.isInteger(workingDaysBefore) || workingDaysBefore < 0)
    throw new RangeError(`workingDaysBefore must be a whole number ≥ 0, got ${workingDaysBefore}`);
  assertTimezone(timezone);
  const answer: CalendarAnswer<IsoDate> = calendar.addWorkingDaysDetailed(dueDate, -workingDaysBefore);
  return {
    at: localTimeToUtcIso(answer.value, timezone, false),
    warnDate: answer.value,
    unknownYears: answer.unknownYears,
    provisionalYears: answer.provisionalYears,
  };
}

/** Calendar days from the local date of `fromMs` to the local date of `toMs` (negative when earlier). */
function localDayDifference(fromMs: number, toMs: number, timezone: string): number {
  assertTimezone(timezone);
  // Compare the local dates as civil dates, so a DST change between them cannot give 0.958 days.
  return Math.round((localCivilDay(toMs, timezone) - localCivilDay(fromMs, timezone)) / 86_400_000);
}

/**
 * Whole calendar days a node is overdue at `atIso`, counted in `timezone`:
 * 0 while `at < dueAt`; otherwise the number of local dates from the due instant's date to `at`'s
 * date, and at least 1 — so the whole day after a 23:59:59 due time is "1 day overdue", the day
 * after that 2, and so on.
 */
export function daysOverdue(dueAtIso: string, atIso: string, timezone: string = DEFAULT_TIMEZONE): number {
  const due = instantMs(dueAtIso);
  const at = instantMs(atIso);
  const diff = localDayDifference(due, at, timezone);
  return at < due ? 0 : Math.max(1, diff);
}

/**
 * Whole calendar days left before a node falls due, counted in `timezone`: the number of local dates
 * from `at`'s date to the due instant's date — 0 on the due day itself ("due today"), 1 the day
 * before — and 0 once `at >= dueAt` (see daysOverdue then).
 */
export function daysLeft(dueAtIso: string, atIso: string, timezone: string = DEFAULT_TIMEZONE): number {
  const due = instantMs(dueAtIso);
  const at = instantMs(atIso);
  const diff = localDayDifference(at, due, timezone);
  return at >= due ? 0 : Math.max(0, diff);
}
