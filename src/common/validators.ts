import { registerDecorator, type ValidationOptions } from 'class-validator';
import { DateTime, IANAZone } from 'luxon';

/** An IANA time zone name luxon knows (Asia/Shanghai …). */
export function IsTimeZone(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isTimeZone',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be an IANA time zone such as Asia/Shanghai`, ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && IANAZone.isValidZone(v) },
    });
}

/** Dates the assessment can mean: a year outside this range is a typo (0000-01-01) or an attack, refused 400. */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
const inRange = (d: DateTime) => d.isValid && d.year >= MIN_YEAR && d.year <= MAX_YEAR;

/** A real calendar date written YYYY-MM-DD in 2000–2100 (2026-02-30 and 0000-01-01 are refused). */
export function IsCalendarDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be a real date written YYYY-MM-DD, between ${MIN_YEAR} and ${MAX_YEAR}`, ...options },
      validator: {
        validate: (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && inRange(DateTime.fromISO(v)),
      },
    });
}

/** An ISO-8601 instant with a zone (2026-06-30T15:59:59Z or +08:00), in 2000–2100. */
export function IsInstant(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isInstant',
      target: object.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be an ISO-8601 date-time with a zone, e.g. 2026-06-30T23:59:59+08:00, between ${MIN_YEAR} and ${MAX_YEAR}`,
        ...options,
      },
      validator: {
        validate: (v: unknown) => typeof v === 'string' && v.length <= 40 && /(Z|[+-]\d{2}:?\d{2})$/.test(v) && inRange(DateTime.fromISO(v, { setZone: true })),
      },
    });
}
