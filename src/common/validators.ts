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

/** A real calendar date written YYYY-MM-DD (2026-02-30 is refused). */
export function IsCalendarDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be a real date written YYYY-MM-DD`, ...options },
      validator: {
        validate: (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && DateTime.fromISO(v).isValid,
      },
    });
}

/** An ISO-8601 instant with a zone (2026-06-30T15:59:59Z or +08:00). */
export function IsInstant(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isInstant',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be an ISO-8601 date-time with a zone, e.g. 2026-06-30T23:59:59+08:00`, ...options },
      validator: {
        validate: (v: unknown) =>
          typeof v === 'string' && /(Z|[+-]\d{2}:?\d{2})$/.test(v) && DateTime.fromISO(v, { setZone: true }).isValid,
      },
    });
}
