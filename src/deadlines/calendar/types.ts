import type { IsoDate } from './iso-date.js';

/** The seven festivals that carry statutory days off (《全国年节及纪念日放假办法》 art. 2). */
export const HOLIDAY_NAMES = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'] as const;
export type HolidayName = (typeof HOLIDAY_NAMES)[number];

/**
 * How trustworthy a year's data is:
 * - `official`: transcribed from the State Council General Office notice for that year;
 * - `provisional`: the notice was not published when the file was written; dates derived from the usual
 *   rules — to be replaced;
 * - `imported`: the year was unknown to the shipped data and came in through `WorkingCalendar.merge`
 *   (e.g. an ICS import).
 */
export type CalendarYearStatus = 'official' | 'provisional' | 'imported';
export const YEAR_STATUSES: readonly CalendarYearStatus[] = ['official', 'provisional', 'imported'];

/** One day of a holiday block with its festival's name. */
export interface NamedDate {
  date: IsoDate;
  /** A HolidayName in the shipped data; free text (the event summary) for ICS imports it cannot map. */
  name: string;
}

/**
 * `holiday`: a day off (放假) announced for a festival, weekend days inside the announced block included.
 * `workday`: a make-up working day (调休上班), always a Saturday or Sunday.
 */
export type CalendarEntryKind = 'holiday' | 'workday';

/** One dated exception to the plain Monday–Friday week, as produced by `parseIcs` and read by `merge`. */
export interface CalendarEntry extends NamedDate {
  kind: CalendarEntryKind;
}

/** The content of `config/calendars/cn-YYYY.json`. */
export interface CalendarYearData {
  year: number;
  region: 'CN';
  status: CalendarYearStatus;
  /** Title of the notice: 国务院办公厅关于YYYY年部分节假日安排的通知. */
  source: string;
  /** 文号, when known. */
  documentNumber?: string;
  /** Date the notice was issued; null when it was not yet published (provisional). */
  issued?: IsoDate | null;
  /** For provisional data: the day the dates were derived. */
  derivedOn?: IsoDate;
  /**
   * Later notices that changed this year's days (e.g. 2019's Labour Day, 2020's Spring Festival
   * extension); the dates in the file are as amended.
   */
  amendments?: { documentNumber?: string; issued: IsoDate; title: string }[];
  /** Where the notice's text was read (official site or reprints). */
  references?: string[];
  notes?: string[];
  /** Every day off of every announced block, weekend days inside the block included. */
  holidays: NamedDate[];
  /** Make-up working days (调休上班): weekend days that are working days. */
  makeUpWorkdays: NamedDate[];
}

/** What kind of day a date is, and why. */
export type DayKind = 'workday' | 'weekend' | 'holiday' | 'make-up-workday';

export interface DayInfo {
  date: IsoDate;
  working: boolean;
  kind: DayKind;
  /** The festival for `holiday` and `make-up-workday`. */
  name?: string;
  /**
   * True when the calendar has no holiday data for the date's year: the answer then follows plain
   * weekends only and may be wrong around festivals.
   */
  unknownYear: boolean;
  /** Status of the year's data; undefined when `unknownYear`. */
  yearStatus?: CalendarYearStatus;
}

/** A computed value together with the data-quality caveats it depends on. */
export interface CalendarAnswer<T> {
  value: T;
  /** Years consulted for which the calendar has no data (plain weekends were assumed). Sorted. */
  unknownYears: number[];
  /** Years consulted whose data is provisional. Sorted. */
  provisionalYears: number[];
}

/** Emitted (once per calendar instance and year) when an answer relied on a year without data. */
export interface CalendarWarning {
  code: 'unknownYear';
  year: number;
  message: string;
}
