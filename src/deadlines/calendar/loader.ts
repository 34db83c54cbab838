import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CalendarYearData } from './types.js';
import { CalendarDataError, parseCalendarYear } from './validate.js';
import { WorkingCalendar, type WorkingCalendarOptions } from './working-calendar.js';

/** `cn-2026.json` → 2026 */
const CALENDAR_FILE = /^cn-(\d{4})\.json$/;

/**
 * The project root: the nearest folder at or above `from` (a file URL or path) holding package.json.
 *
 * This module runs from `src/deadlines/calendar/` under ts-jest and from `dist/src/deadlines/calendar/`
 * once compiled; tsc does not copy `config/` into `dist/`, so the data is always read from
 * `<root>/config/calendars`, and walking up finds the same root from both places.
 */
export function findProjectRoot(from: string | URL = import.meta.url): string {
  const start = from instanceof URL || from.startsWith('file:') ? fileURLToPath(from) : from;
  // A module file (or a path that does not exist, e.g. a dist file not built yet): start in its folder.
  let dir = statSync(start, { throwIfNoEntry: false })?.isDirectory() ? start : dirname(start);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json found at or above ${start}: cannot locate the project root`);
    dir = parent;
  }
}

/** `<project root>/config/calendars`. */
export function defaultCalendarDir(): string {
  return join(findProjectRoot(), 'config', 'calendars');
}

/**
 * Reads and validates every `cn-YYYY.json` in `dir` (default `<root>/config/calendars`), ascending by
 * year. Invalid data is a configuration error: throws CalendarDataError naming the file and every
 * problem, so a bad file stops the boot instead of shifting deadlines silently.
 */
export function loadCalendarYears(dir: string = defaultCalendarDir()): CalendarYearData[] {
  const files = readdirSync(dir)
    .map((name) => ({ name, match: CALENDAR_FILE.exec(name) }))
    .filter((f): f is { name: string; match: RegExpExecArray } => f.match !== null)
    .sort((a, b) => a.name.localeCompare(b.name));
  return files.map(({ name, match }) => {
    const path = join(dir, name);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new CalendarDataError(path, [`not readable JSON: ${(e as Error).message}`]);
    }
    return parseCalendarYear(json, path, Number(match[1]));
  });
}

/** A WorkingCalendar from the shipped data files (see loadCalendarYears). */
export function loadWorkingCalendar(options: WorkingCalendarOptions & { dir?: string } = {}): WorkingCalendar {
  const { dir, ...calendarOptions } = options;
  return WorkingCalendar.fromYearData(loadCalendarYears(dir), calendarOptions);
}
