/**
 * Civil dates ('YYYY-MM-DD', no time, no zone) and their arithmetic.
 *
 * A civil date is represented internally as an "epoch day": the number of days since 1970-01-01.
 * The arithmetic is proleptic Gregorian and independent of any time zone, so it cannot be shifted by
 * the machine's zone or by daylight-saving changes.
 */

/** A civil date written 'YYYY-MM-DD'. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Thrown for a string that is not a real 'YYYY-MM-DD' date (e.g. '2026-02-30', '2026-6-1'). */
export class InvalidDateError extends RangeError {
  constructor(readonly value: unknown) {
    super(`not a valid 'YYYY-MM-DD' date: ${JSON.stringify(value)}`);
    this.name = 'InvalidDateError';
  }
}

/** True when `value` is a real calendar date written exactly as 'YYYY-MM-DD'. */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Days since 1970-01-01 for a 'YYYY-MM-DD' date; throws InvalidDateError on anything else. */
export function toEpochDay(date: IsoDate): number {
  if (!isIsoDate(date)) throw new InvalidDateError(date);
  const y = Number(date.slice(0, 4));
  const mo = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not.
  const t = new Date(Date.UTC(2000, mo - 1, d));
  t.setUTCFullYear(y);
  return Math.round(t.getTime() / MS_PER_DAY);
}

/** 'YYYY-MM-DD' for an epoch day. */
export function fromEpochDay(day: number): IsoDate {
  const t = new Date(day * MS_PER_DAY);
  const y = t.getUTCFullYear();
  const mo = t.getUTCMonth() + 1;
  const d = t.getUTCDate();
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Day of week of an epoch day: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfEpochDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Day of week of a date: 0 = Sunday … 6 = Saturday. */
export function weekday(date: IsoDate): number {
  return weekdayOfEpochDay(toEpochDay(date));
}

/** Saturday or Sunday. */
export function isWeekend(date: IsoDate): boolean {
  const w = weekday(date);
  return w === 0 || w === 6;
}

/** The year of an epoch day. */
export function yearOfEpochDay(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/** `date` moved by `days` calendar days (negative moves back). */
export function addCalendarDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
  return fromEpochDay(toEpochDay(date) + days);
}
