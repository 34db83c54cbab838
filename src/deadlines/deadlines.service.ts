import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { dueInstant, loadWorkingCalendar, warnInstant, type WorkingCalendar } from './calendar/index.js';

/**
 * What a due day means (DESIGN.md §3 rule 2, issue 3): due at 23:59:59.000 of the due day in the plan's
 * timezone; the warn (yellow) time is 00:00 of the working day N working days before the due day, by the
 * Chinese working-day calendar (weekends, statutory holidays, make-up working days) in config/calendars.
 */
@Injectable()
export class DeadlinesService {
  private calendarCache: WorkingCalendar | undefined;

  get calendar(): WorkingCalendar {
    this.calendarCache ??= loadWorkingCalendar();
    return this.calendarCache;
  }

  dueAt(dueDate: string, timezone: string): string {
    return dueInstant(dueDate, timezone);
  }

  /** An explicit warn day (start of that day), or N working days before the due day. */
  warnAt(dueDate: string, timezone: string, workingDaysBefore: number, warnDate?: string): string {
    if (warnDate) return warnInstant(warnDate, 0, this.calendar, timezone);
    return warnInstant(dueDate, workingDaysBefore, this.calendar, timezone);
  }

  /** End of the N-th working day after the day of `atIso` (in the plan's timezone): a review's deadline. */
  reviewDueAt(atIso: string, timezone: string, workingDays: number): string {
    const day = DateTime.fromISO(atIso, { zone: 'utc' }).setZone(timezone).toISODate()!;
    return dueInstant(this.calendar.addWorkingDays(day, workingDays), timezone);
  }
}
