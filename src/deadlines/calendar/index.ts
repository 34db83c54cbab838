/**
 * Working-day calendar and deadline meaning (issue 3, "Deadline meaning"). Pure: no Nest, no database,
 * no clock. Data: config/calendars/cn-YYYY.json.
 */
export * from './iso-date.js';
export * from './types.js';
export { CalendarDataError, calendarYearProblems, parseCalendarYear } from './validate.js';
export { WorkingCalendar, type MergeOptions, type WorkingCalendarOptions, type YearInfo } from './working-calendar.js';
export { defaultCalendarDir, findProjectRoot, loadCalendarYears, loadWorkingCalendar } from './loader.js';
export { calendarGaps, unknownYearMessage, type CalendarGap } from './gaps.js';
export { IcsFormatError, parseIcs, parseIcsWithReport, type IcsIssue, type IcsParseResult } from './ics.js';
export {
  DEFAULT_TIMEZONE,
  InvalidInstantError,
  InvalidTimezoneError,
  daysLeft,
  daysOverdue,
  dueInstant,
  warnInstant,
  warnInstantDetailed,
  type WarnInstantDetail,
} from './deadline.js';
