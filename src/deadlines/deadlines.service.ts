import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';

/**
 * What a due day means (DESIGN.md §3 rule 2, issue 3): due at 23:59:59.000 of the due day in the plan's
 * timezone; the warn (yellow) time is the start of the day N working days before the due day.
 */
@Injectable()
export class DeadlinesService {
  dueAt(dueDate: string, timezone: string): string {
    return DateTime.fromISO(dueDate, { zone: timezone }).endOf('day').set({ millisecond: 0 }).toUTC().toISO()!;
  }

  warnAt(dueDate: string, timezone: string, workingDaysBefore: number, warnDate?: string): string {
    if (warnDate) return DateTime.fromISO(warnDate, { zone: timezone }).startOf('day').toUTC().toISO()!;
    let d = DateTime.fromISO(dueDate, { zone: timezone }).startOf('day');
    let left = workingDaysBefore;
    while (left > 0) {
      d = d.minus({ days: 1 });
      if (d.weekday <= 5) left--;
    }
    return d.toUTC().toISO()!;
  }
}
