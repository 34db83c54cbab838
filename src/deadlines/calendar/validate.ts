import { isIsoDate, isWeekend } from './iso-date.js';
import { HOLIDAY_NAMES, type CalendarYearData } from './types.js';

/** A calendar data file that does not hold what it must; lists every problem found. */
export class CalendarDataError extends Error {
  constructor(
    readonly origin: string,
    readonly problems: string[],
  ) {
    super(`invalid calendar data in ${origin}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'CalendarDataError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every problem with one year's data (empty when valid):
 * shape; `year` equals `expectedYear` (the file name's year); status is official or provisional;
 * `source` names that year's notice; every date is a real date of that year and appears once across
 * holidays and make-up days; every make-up working day is a Saturday or Sunday; every name is one of
 * the seven festivals.
 */
export function calendarYearProblems(data: unknown, expectedYear?: number): string[] {
  const problems: string[] = [];
  if (!isRecord(data)) return ['the file must hold a JSON object'];

  const year = data.year;
  if (typeof year !== 'number' || !Number.isInteger(year)) problems.push('"year" must be an integer');
  else if (expectedYear !== undefined && year !== expectedYear) problems.push(`"year" is ${year} but the file name says ${expectedYear}`);
  if (data.region !== 'CN') problems.push('"region" must be "CN"');
  if (data.status !== 'official' && data.status !== 'provisional') problems.push('"status" must be "official" or "provisional"');
  if (typeof data.source !== 'string' || data.source.trim() === '') problems.push('"source" must name the notice');
  else if (typeof year === 'number' && !data.source.includes(`${year}年`)) problems.push(`"source" does not name the ${year} notice: ${data.source}`);
  if (data.status === 'official' && !isIsoDate(data.issued)) problems.push('an official year needs "issued", the date of the notice');

  const seen = new Map<string, string>();
  const checkList = (key: 'holidays' | 'makeUpWorkdays') => {
    const list = data[key];
    if (!Array.isArray(list)) {
      problems.push(`"${key}" must be an array`);
      return;
    }
    list.forEach((entry: unknown, i) => {
      const where = `${key}[${i}]`;
      if (!isRecord(entry)) return void problems.push(`${where} must be an object {date, name}`);
      const { date, name } = entry;
      if (!isIsoDate(date)) return void problems.push(`${where}.date is not a 'YYYY-MM-DD' date: ${String(date)}`);
      if (typeof year === 'number' && Number(date.slice(0, 4)) !== year) problems.push(`${where}.date ${date} is not in ${year}`);
      if (typeof name !== 'string' || !(HOLIDAY_NAMES as readonly string[]).includes(name))
        problems.push(`${where}.name must be one of ${HOLIDAY_NAMES.join(' ')}, got ${String(name)}`);
      if (key === 'makeUpWorkdays' && !isWeekend(date)) problems.push(`${where}: make-up working day ${date} is not a Saturday or Sunday`);
      const previous = seen.get(date);
      if (previous) problems.push(`${where}: ${date} already listed in ${previous}`);
      else seen.set(date, where);
    });
  };
  checkList('holidays');
  checkList('makeUpWorkdays');
  return problems;
}

/** The data as typed `CalendarYearData`, or a CalendarDataError listing every problem. */
export function parseCalendarYear(data: unknown, origin: string, expectedYear?: number): CalendarYearData {
  const problems = calendarYearProblems(data, expectedYear);
  if (problems.length > 0) throw new CalendarDataError(origin, problems);
  return data as CalendarYearData;
}
