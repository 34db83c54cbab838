import type { WorkingCalendar } from './working-calendar.js';

/** A year that a plan or an import touches and the calendar has no holiday data for. */
export interface CalendarGap {
  code: 'calendar.unknownYear';
  year: number;
  /** Shown to the office as is (zh-CN). */
  message: string;
}

/** The office's warning for a year without holiday data: deadlines then follow plain weekends. */
export const unknownYearMessage = (year: number): string => `${year} 年无节假日历，按周末计算`;

/**
 * The years among `years` (deduplicated, ascending) that `calendar` has no data for — neither shipped in
 * config/calendars nor imported. Such a year is never refused: warn times and working-day counts follow
 * plain Monday–Friday weeks there, so the caller must say so (plan creation, imports).
 */
export function calendarGaps(calendar: WorkingCalendar, years: Iterable<number>): CalendarGap[] {
  const known = new Set(calendar.knownYears());
  return [...new Set(years)]
    .filter((y) => Number.isInteger(y) && !known.has(y))
    .sort((a, b) => a - b)
    .map((year) => ({ code: 'calendar.unknownYear', year, message: unknownYearMessage(year) }));
}
