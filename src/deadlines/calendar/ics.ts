/**
 * ICS (iCalendar, RFC 5545) import of holidays and make-up working days.
 *
 * What is read: every VEVENT of the VCALENDAR (nested components such as VALARM are ignored).
 * - Dates: `DTSTART;VALUE=DATE:20261001` with `DTEND;VALUE=DATE:20261008`, DTEND being EXCLUSIVE
 *   (that event covers 1–7 October). Without DTEND, `DURATION:P<n>D` / `P<n>W` is used, else one day.
 *   A multi-day event yields one entry per day. Date-times are accepted only at local midnight
 *   (floating or with TZID, as some exporters write all-day events); other timed events, and events
 *   in UTC ("…Z"), are skipped: a holiday is a civil date, not an instant.
 * - Kind, first rule that applies:
 *   1. `X-DUBAN-DAY-KIND:WORKDAY` or `:HOLIDAY`;
 *   2. `X-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY` (workday) or `:WORK-HOLIDAY` (holiday), as in Apple's
 *      and several published Chinese holiday calendars;
 *   3. SUMMARY containing 班 — which covers 补班, 上班, 调休上班 — or the English "workday" /
 *      "working day": a make-up working day (so "上班（补春节假期）" is a workday although it says 假期);
 *   4. SUMMARY naming one of the seven festivals, or containing 假 or 休 (放假, 假期, 休息), or the
 *      English "holiday": a holiday;
 *   5. anything else (e.g. 母亲节 in a general-purpose calendar) is skipped and reported, never guessed.
 * - Name: the festival named earliest in SUMMARY (除夕/新春 → 春节, 五一 → 劳动节, 清明 → 清明节 …);
 *   the summary itself when it names none.
 * - Skipped and reported: STATUS:CANCELLED, RRULE (recurrence is not expanded), missing or unreadable
 *   DTSTART, DTEND not after DTSTART, events longer than 366 days.
 * - Two events on the same date: the later one in the file wins, and a warning says so.
 */
import { addCalendarDays, fromEpochDay, isIsoDate, toEpochDay, type IsoDate } from './iso-date.js';
import type { CalendarEntry, CalendarEntryKind, HolidayName } from './types.js';

/** Something in the file that was not imported as-is: where it is and why. */
export interface IcsIssue {
  /** 1-based line of the event's BEGIN:VEVENT (of the entry for date conflicts). */
  line: number;
  summary?: string;
  reason: string;
}

export interface IcsParseResult {
  /** One entry per day, ascending by date, one per date. */
  entries: CalendarEntry[];
  /** Events not imported. */
  skipped: IcsIssue[];
  /** Imported with a caveat (e.g. a date given twice). */
  warnings: IcsIssue[];
}

/** The text is not an iCalendar file at all. */
export class IcsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IcsFormatError';
  }
}

interface ContentLine {
  name: string;
  params: Record<string, string>;
  value: string;
  line: number;
}

interface RawEvent {
  line: number;
  props: ContentLine[];
}

const MAX_EVENT_DAYS = 366;

/** Festival keywords → canonical name, searched in SUMMARY; the earliest match wins. */
const NAME_KEYWORDS: ReadonlyArray<[string, HolidayName]> = [
  ['元旦', '元旦'],
  ['春节', '春节'],
  ['除夕', '春节'],
  ['新春', '春节'],
  ['清明', '清明节'],
  ['劳动', '劳动节'],
  ['五一', '劳动节'],
  ['端午', '端午节'],
  ['中秋', '中秋节'],
  ['国庆', '国庆节'],
];

/** Holiday and make-up-day entries from an ICS text (see the module comment for the rules). */
export function parseIcs(text: string): CalendarEntry[] {
  return parseIcsWithReport(text).entries;
}

/** `parseIcs` plus what was skipped or imported with a caveat, for an import's diagnostics. */
export function parseIcsWithReport(text: string): IcsParseResult {
  const lines = unfold(text);
  if (!lines.some((l) => l.text.trim().toUpperCase() === 'BEGIN:VCALENDAR')) throw new IcsFormatError('not an iCalendar file: no BEGIN:VCALENDAR line');

  const events: RawEvent[] = [];
  const stack: string[] = [];
  let current: RawEvent | undefined;
  for (const { text: raw, line } of lines) {
    if (raw.trim() === '') continue;
    const cl = parseContentLine(raw, line);
    if (!cl) continue;
    if (cl.name === 'BEGIN') {
      const component = cl.value.trim().toUpperCase();
      stack.push(component);
      if (component === 'VEVENT') current = { line, props: [] };
    } else if (cl.name === 'END') {
      const component = stack.pop();
      if (component === 'VEVENT' && current) {
        events.push(current);
        current = undefined;
      }
    } else if (current && stack[stack.length - 1] === 'VEVENT') {
      current.props.push(cl);
    }
  }

  const skipped: IcsIssue[] = [];
  const warnings: IcsIssue[] = [];
  const byDate = new Map<IsoDate, { entry: CalendarEntry; line: number }>();
  for (const event of events) {
    const result = readEvent(event);
    if ('reason' in result) {
      skipped.push(result);
      continue;
    }
    for (const entry of result.entries) {
      const previous = byDate.get(entry.date);
      if (previous)
        warnings.push({
          line: event.line,
          summary: result.summary,
          reason: `${entry.date} was already given as ${previous.entry.kind} (${previous.entry.name}) by the event at line ${previous.line}; the later event wins`,
        });
      byDate.set(entry.date, { entry, line: event.line });
    }
  }
  const entries = [...byDate.values()].map((v) => v.entry).sort((a, b) => (a.date < b.date ? -1 : 1));
  return { entries, skipped, warnings };
}

function readEvent(event: RawEvent): { entries: CalendarEntry[]; summary: string } | IcsIssue {
  const prop = (name: string) => event.props.find((p) => p.name === name);
  const summary = unescapeText(prop('SUMMARY')?.value ?? '').trim();
  const issue = (reason: string): IcsIssue => ({ line: event.line, ...(summary ? { summary } : {}), reason });

  if (prop('STATUS')?.value.trim().toUpperCase() === 'CANCELLED') return issue('cancelled event (STATUS:CANCELLED)');
  if (prop('RRULE')) return issue('recurring event (RRULE) — recurrence is not expanded; list each date');

  const dtstart = prop('DTSTART');
  if (!dtstart) return issue('no DTSTART');
  const start = readDate(dtstart);
  if (typeof start !== 'string') return issue(`DTSTART: ${start.error}`);

  let endExclusive: IsoDate;
  const dtend = prop('DTEND');
  const duration = prop('DURATION');
  if (dtend) {
    const end = readDate(dtend);
    if (typeof end !== 'string') return issue(`DTEND: ${end.error}`);
    endExclusive = end;
  } else if (duration) {
    const days = durationDays(duration.value);
    if (days === undefined) return issue(`DURATION ${duration.value} is not a whole number of days or weeks`);
    endExclusive = addCalendarDays(start, days);
  } else {
    endExclusive = addCalendarDays(start, 1); // RFC 5545 §3.6.1: a DATE DTSTART alone lasts one day
  }
  const first = toEpochDay(start);
  const last = toEpochDay(endExclusive) - 1;
  if (last < first) return issue(`DTEND ${endExclusive} is not after DTSTART ${start} (DTEND is exclusive)`);
  if (last - first + 1 > MAX_EVENT_DAYS) return issue(`event spans ${last - first + 1} days (more than ${MAX_EVENT_DAYS})`);

  const kind = classify(event.props, summary);
  if (!kind) return issue('not recognised as a day off or a make-up working day (no X-DUBAN-DAY-KIND, and the summary names no festival, 假, 休 or 班)');
  const name = festivalName(summary) ?? (summary || '(no summary)');
  const entries: CalendarEntry[] = [];
  for (let d = first; d <= last; d++) entries.push({ date: fromEpochDay(d), name, kind });
  return { entries, summary };
}

function classify(props: ContentLine[], summary: string): CalendarEntryKind | undefined {
  const x = (name: string) =>
    props
      .find((p) => p.name === name)
      ?.value.trim()
      .toUpperCase();
  const duban = x('X-DUBAN-DAY-KIND');
  if (duban === 'WORKDAY') return 'workday';
  if (duban === 'HOLIDAY') return 'holiday';
  const apple = x('X-APPLE-SPECIAL-DAY');
  if (apple === 'ALTERNATE-WORKDAY') return 'workday';
  if (apple === 'WORK-HOLIDAY') return 'holiday';
  if (summary.includes('班') || /\bwork(ing)?\s?day\b/i.test(summary)) return 'workday';
  if (festivalName(summary) || /[假休]/.test(summary) || /\bholiday\b/i.test(summary)) return 'holiday';
  return undefined;
}

function festivalName(summary: string): HolidayName | undefined {
  let best: { at: number; name: HolidayName } | undefined;
  for (const [keyword, name] of NAME_KEYWORDS) {
    const at = summary.indexOf(keyword);
    if (at >= 0 && (!best || at < best.at)) best = { at, name };
  }
  return best?.name;
}

/** A DATE, or a DATE-TIME at local midnight, as 'YYYY-MM-DD'. */
function readDate(p: ContentLine): IsoDate | { error: string } {
  const v = p.value.trim();
  const date = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (date) {
    const iso = `${date[1]}-${date[2]}-${date[3]}`;
    return isIsoDate(iso) ? iso : { error: `${v} is not a real date` };
  }
  if ((p.params.VALUE ?? '').toUpperCase() === 'DATE') return { error: `${v} is not a DATE (YYYYMMDD)` };
  const dt = /^(\d{4})(\d{2})(\d{2})T(\d{6})(Z?)$/i.exec(v);
  if (!dt) return { error: `unreadable value ${v}` };
  if (dt[5]) return { error: `${v} is a UTC time; holidays must be all-day (VALUE=DATE) events` };
  if (dt[4] !== '000000') return { error: `${v} is a timed event; holidays must be all-day (VALUE=DATE) events` };
  const iso = `${dt[1]}-${dt[2]}-${dt[3]}`;
  return isIsoDate(iso) ? iso : { error: `${v} is not a real date` };
}

/** Whole days of an ICS DURATION such as P1D, P3D, P1W, P1DT0H0M0S; undefined otherwise. */
function durationDays(value: string): number | undefined {
  const m = /^\+?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:0+H)?(?:0+M)?(?:0+S)?)?$/i.exec(value.trim());
  if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
  const days = Number(m[1] ?? 0) * 7 + Number(m[2] ?? 0);
  return days > 0 ? days : undefined;
}

/** RFC 5545 §3.1: a line starting with a space or tab continues the previous one. */
function unfold(text: string): Array<{ text: string; line: number }> {
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const out: Array<{ text: string; line: number }> = [];
  physical.forEach((raw, i) => {
    const last = out[out.length - 1];
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && last) last.text += raw.slice(1);
    else out.push({ text: raw, line: i + 1 });
  });
  return out;
}

/** NAME;PARAM=V;PARAM2="a:b":value — the first colon outside double quotes ends name and params. */
function parseContentLine(raw: string, line: number): ContentLine | undefined {
  let inQuotes = false;
  let colon = -1;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (c === ':' && !inQuotes) {
      colon = i;
      break;
    }
  }
  if (colon < 0) return undefined;
  const head = raw.slice(0, colon);
  const parts: string[] = [];
  let part = '';
  inQuotes = false;
  for (const c of head) {
    if (c === '"') inQuotes = !inQuotes;
    if (c === ';' && !inQuotes) {
      parts.push(part);
      part = '';
    } else part += c;
  }
  parts.push(part);
  const params: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).toUpperCase()] = p.slice(eq + 1).replace(/^"|"$/g, '');
  }
  return { name: parts[0]!.trim().toUpperCase(), params, value: raw.slice(colon + 1), line };
}

/** RFC 5545 §3.3.11 TEXT escapes. */
function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}
