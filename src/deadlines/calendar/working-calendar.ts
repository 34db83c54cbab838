import { fromEpochDay, toEpochDay, weekdayOfEpochDay, yearOfEpochDay, type IsoDate } from './iso-date.js';
import type { CalendarAnswer, CalendarEntry, CalendarWarning, CalendarYearData, CalendarYearStatus, DayInfo } from './types.js';

export interface WorkingCalendarOptions {
  /**
   * Called once per calendar instance and year the first time an answer depends on a year without
   * data (plain weekends are assumed for it). Default: nothing; the `*Detailed` methods and
   * `describe()` carry the same information as flags.
   */
  onWarning?: (warning: CalendarWarning) => void;
}

export interface YearInfo {
  year: number;
  status: CalendarYearStatus;
  /** The notice title for shipped data; the import's label for merged data. Merges append. */
  sources: string[];
}

export interface MergeOptions {
  /** Label recorded for the merged entries, e.g. the ICS file name. Default 'merge'. */
  source?: string;
  /**
   * `overlay` (default): each entry replaces whatever the calendar said about its date; other dates
   * of the year keep their data and the year keeps its status.
   * `replaceYears`: every year that the entries touch is first emptied, then filled from the entries
   * alone, and its status becomes `imported` — use it to load a complete official calendar over
   * provisional data, so no derived date survives next to the real ones.
   */
  mode?: 'overlay' | 'replaceYears';
}

/** Days walked before addWorkingDays gives up: guards against a calendar made only of holidays. */
const MAX_WALK_DAYS = 3_660;
/** Monday 1969-12-29, the anchor for counting weekdays arithmetically. */
const MONDAY_ANCHOR = -3;

/** Weekdays (Mon–Fri) among epoch days d < x, counted from MONDAY_ANCHOR (may be negative). */
function weekdaysBefore(x: number): number {
  const offset = x - MONDAY_ANCHOR;
  const weeks = Math.floor(offset / 7);
  return weeks * 5 + Math.min(offset - weeks * 7, 5);
}

const isWeekendDay = (day: number) => {
  const w = weekdayOfEpochDay(day);
  return w === 0 || w === 6;
};

/** Collects the years an answer consulted. */
class YearTracker {
  readonly unknown = new Set<number>();
  readonly provisional = new Set<number>();
}

/**
 * Working days for one region: Monday–Friday, minus announced holidays (法定节假日 blocks), plus
 * make-up working days (调休上班).
 *
 * Immutable: `merge` returns a new calendar, so a value computed from a calendar can be recomputed
 * from the same calendar later (replays stay deterministic).
 *
 * Outside the years it has data for, the calendar does not throw: it answers with plain weekends and
 * flags the year as unknown (`describe().unknownYear`, `*Detailed().unknownYears`, `onWarning`).
 */
export class WorkingCalendar {
  /** epoch day → exception to the plain week */
  private readonly overrides: ReadonlyMap<number, CalendarEntry>;
  /** override epoch days, ascending, for range counting */
  private readonly overrideDays: readonly number[];
  private readonly years: ReadonlyMap<number, YearInfo>;
  private readonly warnedYears = new Set<number>();

  private constructor(
    years: Map<number, YearInfo>,
    overrides: Map<number, CalendarEntry>,
    private readonly options: WorkingCalendarOptions,
  ) {
    this.years = years;
    this.overrides = overrides;
    this.overrideDays = [...overrides.keys()].sort((a, b) => a - b);
  }

  /** A calendar from validated year files (see `loadWorkingCalendar` for reading them from disk). */
  static fromYearData(data: readonly CalendarYearData[], options: WorkingCalendarOptions = {}): WorkingCalendar {
    const years = new Map<number, YearInfo>();
    const overrides = new Map<number, CalendarEntry>();
    for (const y of data) {
      if (years.has(y.year)) throw new Error(`calendar data for ${y.year} given twice`);
      years.set(y.year, { year: y.year, status: y.status, sources: [y.source] });
      for (const h of y.holidays) overrides.set(toEpochDay(h.date), { date: h.date, name: h.name, kind: 'holiday' });
      for (const w of y.makeUpWorkdays) overrides.set(toEpochDay(w.date), { date: w.date, name: w.name, kind: 'workday' });
    }
    return new WorkingCalendar(years, overrides, options);
  }

  /** A calendar with no holiday data at all: plain weekends, every year unknown. */
  static weekendsOnly(options: WorkingCalendarOptions = {}): WorkingCalendar {
    return new WorkingCalendar(new Map(), new Map(), options);
  }

  /** Years with data, ascending. */
  knownYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  /** Status and sources of a year's data; undefined for an unknown year. */
  yearInfo(year: number): YearInfo | undefined {
    const info = this.years.get(year);
    return info && { ...info, sources: [...info.sources] };
  }

  /** The exceptions to the plain week (holidays and make-up days), ascending, optionally for one year. */
  entries(year?: number): CalendarEntry[] {
    return this.overrideDays
      .map((d) => this.overrides.get(d)!)
      .filter((e) => year === undefined || Number(e.date.slice(0, 4)) === year)
      .map((e) => ({ ...e }));
  }

  /** What kind of day `date` is and why, with the unknown-year flag. */
  describe(date: IsoDate): DayInfo {
    const day = toEpochDay(date);
    const year = yearOfEpochDay(day);
    const info = this.years.get(year);
    if (!info) this.warn(year);
    const base = { date, unknownYear: !info, ...(info ? { yearStatus: info.status } : {}) };
    const entry = this.overrides.get(day);
    const weekend = isWeekendDay(day);
    if (entry?.kind === 'holiday') return { ...base, working: false, kind: 'holiday', name: entry.name };
    if (entry?.kind === 'workday' && weekend) return { ...base, working: true, kind: 'make-up-workday', name: entry.name };
    return { ...base, working: !weekend, kind: weekend ? 'weekend' : 'workday' };
  }

  /** Whether `date` is a working day. Unknown years: Monday–Friday (see `describe` for the flag). */
  isWorkingDay(date: IsoDate): boolean {
    return this.isWorkingEpochDay(toEpochDay(date), undefined);
  }

  /**
   * The working day reached by counting `n` working days from `date`, `date` itself not counted
   * (like a spreadsheet's WORKDAY): n = 1 is the next working day after `date`, n = -1 the last
   * working day before it, n = 0 returns `date` unchanged (even when it is not a working day).
   * Example: Friday + 1 = the following Monday; Monday − 3 = the previous Wednesday, unless holidays
   * or make-up days intervene.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate {
    return this.addWorkingDaysDetailed(date, n).value;
  }

  /** `addWorkingDays` with the unknown and provisional years it relied on. */
  addWorkingDaysDetailed(date: IsoDate, n: number): CalendarAnswer<IsoDate> {
    if (!Number.isInteger(n)) throw new RangeError(`n must be an integer, got ${n}`);
    const tracker = new YearTracker();
    let day = toEpochDay(date);
    const step = n < 0 ? -1 : 1;
    let remaining = Math.abs(n);
    let walked = 0;
    while (remaining > 0) {
      day += step;
      if (++walked > MAX_WALK_DAYS + Math.abs(n) * 7) throw new Error(`no ${Math.abs(n)} working days found within ${walked} days of ${date}`);
      if (this.isWorkingEpochDay(day, tracker)) remaining--;
    }
    if (n === 0) this.noteYear(yearOfEpochDay(day), tracker);
    return this.answer(fromEpochDay(day), tracker);
  }

  /**
   * Working days in the half-open interval (a, b]: after `a`, up to and including `b`; negative when
   * b is before a (then the count of (b, a], negated); 0 when a = b.
   * So `workingDaysBetween(a, addWorkingDays(a, n)) === n` whenever `a` is a working day, and
   * Friday → next Monday = 1. Computed arithmetically (weekday count plus the exceptions in range),
   * so long ranges cost no more than short ones.
   */
  workingDaysBetween(a: IsoDate, b: IsoDate): number {
    return this.workingDaysBetweenDetailed(a, b).value;
  }

  /** `workingDaysBetween` with the unknown and provisional years it relied on. */
  workingDaysBetweenDetailed(a: IsoDate, b: IsoDate): CalendarAnswer<number> {
    const da = toEpochDay(a);
    const db = toEpochDay(b);
    const tracker = new YearTracker();
    if (da === db) {
      this.noteYear(yearOfEpochDay(da), tracker);
      return this.answer(0, tracker);
    }
    const lo = Math.min(da, db);
    const hi = Math.max(da, db);
    let count = weekdaysBefore(hi + 1) - weekdaysBefore(lo + 1);
    for (let i = this.firstOverrideIndexAfter(lo); i < this.overrideDays.length; i++) {
      const day = this.overrideDays[i]!;
      if (day > hi) break;
      const entry = this.overrides.get(day)!;
      const weekend = isWeekendDay(day);
      if (entry.kind === 'holiday' && !weekend) count--;
      else if (entry.kind === 'workday' && weekend) count++;
    }
    for (let y = yearOfEpochDay(lo + 1); y <= yearOfEpochDay(hi); y++) this.noteYear(y, tracker);
    return this.answer(db > da ? count : -count, tracker);
  }

  /**
   * A new calendar with `entries` applied (see MergeOptions for overlay vs replaceYears). Years the
   * calendar did not know become known with status `imported`: merge whole years (a complete ICS),
   * not single days, or the rest of such a year would silently read as plain weekends.
   * Within `entries`, a later entry for the same date wins.
   */
  merge(entries: readonly CalendarEntry[], options: MergeOptions = {}): WorkingCalendar {
    const source = options.source ?? 'merge';
    const mode = options.mode ?? 'overlay';
    const touched = new Set(entries.map((e) => Number(e.date.slice(0, 4))));
    for (const e of entries) {
      toEpochDay(e.date); // validates
      if (e.kind !== 'holiday' && e.kind !== 'workday') throw new RangeError(`entry for ${e.date}: kind must be 'holiday' or 'workday'`);
    }
    const years = new Map<number, YearInfo>();
    for (const [y, info] of this.years) years.set(y, { ...info, sources: [...info.sources] });
    const overrides = new Map(this.overrides);
    if (mode === 'replaceYears') {
      for (const [day, e] of overrides) if (touched.has(Number(e.date.slice(0, 4)))) overrides.delete(day);
      for (const y of touched) years.set(y, { year: y, status: 'imported', sources: [source] });
    } else {
      for (const y of touched) {
        const info = years.get(y);
        if (info) info.sources.push(source);
        else years.set(y, { year: y, status: 'imported', sources: [source] });
      }
    }
    for (const e of entries) overrides.set(toEpochDay(e.date), { date: e.date, name: e.name, kind: e.kind });
    return new WorkingCalendar(years, overrides, this.options);
  }

  private isWorkingEpochDay(day: number, tracker: YearTracker | undefined): boolean {
    this.noteYear(yearOfEpochDay(day), tracker);
    const entry = this.overrides.get(day);
    const weekend = isWeekendDay(day);
    if (entry?.kind === 'holiday') return false;
    if (entry?.kind === 'workday') return true;
    return !weekend;
  }

  private noteYear(year: number, tracker: YearTracker | undefined): void {
    const info = this.years.get(year);
    if (!info) {
      tracker?.unknown.add(year);
      this.warn(year);
    } else if (info.status === 'provisional') tracker?.provisional.add(year);
  }

  private warn(year: number): void {
    if (!this.options.onWarning || this.warnedYears.has(year)) return;
    this.warnedYears.add(year);
    this.options.onWarning({
      code: 'unknownYear',
      year,
      message: `no holiday data for ${year}: plain weekends assumed (statutory holidays and make-up working days ignored)`,
    });
  }

  private answer<T>(value: T, tracker: YearTracker): CalendarAnswer<T> {
    const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
    return { value, unknownYears: sorted(tracker.unknown), provisionalYears: sorted(tracker.provisional) };
  }

  /** Index of the first override day strictly greater than `day`. */
  private firstOverrideIndexAfter(day: number): number {
    let lo = 0;
    let hi = this.overrideDays.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.overrideDays[mid]! <= day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
