import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { IcsFormatError, parseIcs, parseIcsWithReport } from './ics.js';
import { loadWorkingCalendar } from './loader.js';
import type { CalendarEntry } from './types.js';

/** Hand-written fixture: invented 2028 dates exercising the format, not a real arrangement. */
const sample = readFileSync(new URL('./__fixtures__/sample-2028.ics', import.meta.url), 'utf8');

const ics = (...events: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', ...events.flatMap((e) => ['BEGIN:VEVENT', ...e.split('\n'), 'END:VEVENT']), 'END:VCALENDAR'].join('\r\n');
const days = (entries: CalendarEntry[], kind: CalendarEntry['kind']) => entries.filter((e) => e.kind === kind).map((e) => e.date);

describe('parseIcs', () => {
  const { entries, skipped, warnings } = parseIcsWithReport(sample);

  it('expands multi-day all-day events with an exclusive DTEND into one holiday per day', () => {
    expect(entries.filter((e) => e.name === '春节' && e.kind === 'holiday').map((e) => e.date)).toEqual([
      '2028-01-25',
      '2028-01-26',
      '2028-01-27',
      '2028-01-28',
      '2028-01-29',
      '2028-01-30',
      '2028-01-31',
      '2028-02-01',
    ]);
    expect(entries.find((e) => e.date === '2028-02-02')).toBeUndefined();
  });

  it('treats an event without DTEND as one day and honours DURATION', () => {
    expect(entries.find((e) => e.date === '2028-01-01')).toEqual({ date: '2028-01-01', name: '元旦', kind: 'holiday' });
    expect(entries.find((e) => e.date === '2028-02-05')).toEqual({ date: '2028-02-05', name: '春节', kind: 'workday' });
    expect(entries.find((e) => e.date === '2028-02-06')).toBeUndefined();
  });

  it('recognises make-up working days by 班/补班/上班 in the summary, even when it also says 假期', () => {
    expect(entries.find((e) => e.date === '2028-01-22')).toEqual({ date: '2028-01-22', name: '春节', kind: 'workday' });
  });

  it('recognises make-up working days by X-DUBAN-DAY-KIND and X-APPLE-SPECIAL-DAY whatever the summary says', () => {
    expect(entries.find((e) => e.date === '2028-04-29')).toEqual({ date: '2028-04-29', name: 'Labour Day make-up', kind: 'workday' });
    expect(entries.find((e) => e.date === '2028-09-30')).toEqual({ date: '2028-09-30', name: 'National Day', kind: 'workday' });
  });

  it('unfolds continuation lines and ignores properties of nested VALARM components', () => {
    // "春节补\r\n 班" unfolds to 春节补班; the VALARM's "明天上班" does not make the Spring Festival a workday.
    expect(days(entries, 'workday')).toEqual(['2028-01-22', '2028-02-05', '2028-04-29', '2028-09-30']);
  });

  it('accepts midnight TZID date-times as all-day dates and maps 五一 to 劳动节, 国庆节、中秋节 to 国庆节', () => {
    expect(entries.filter((e) => e.name === '劳动节').map((e) => e.date)).toEqual(['2028-05-01', '2028-05-02', '2028-05-03', '2028-05-04', '2028-05-05']);
    expect(entries.filter((e) => e.name === '国庆节').map((e) => e.date)).toEqual([
      '2028-10-01',
      '2028-10-02',
      '2028-10-03',
      '2028-10-04',
      '2028-10-05',
      '2028-10-06',
    ]);
  });

  it('skips cancelled, recurring, timed, unrecognised and backwards events and says why', () => {
    expect(skipped).toEqual([
      { line: 76, summary: '端午节（已取消的草稿）', reason: 'cancelled event (STATUS:CANCELLED)' },
      { line: 82, summary: '每周例会休息', reason: expect.stringContaining('RRULE') },
      { line: 88, summary: '国庆值班会议', reason: expect.stringContaining('UTC time') },
      { line: 94, summary: '母亲节', reason: expect.stringContaining('not recognised') },
      { line: 99, summary: '端午节', reason: expect.stringContaining('is not after DTSTART') },
    ]);
    expect(warnings).toEqual([]);
  });

  it('returns entries sorted by date, one per date; parseIcs returns the same entries', () => {
    const dates = entries.map((e) => e.date);
    expect(dates).toEqual([...dates].sort());
    expect(new Set(dates).size).toBe(dates.length);
    expect(parseIcs(sample)).toEqual(entries);
    expect(entries).toHaveLength(1 + 1 + 8 + 1 + 3 + 1 + 5 + 1 + 6);
  });

  it('lets a later event override an earlier one on the same date, with a warning', () => {
    const result = parseIcsWithReport(
      ics('SUMMARY:国庆节\nDTSTART;VALUE=DATE:20281001\nDTEND;VALUE=DATE:20281003', 'SUMMARY:国庆节补班\nDTSTART;VALUE=DATE:20281002'),
    );
    expect(result.entries.map((e) => [e.date, e.kind])).toEqual([
      ['2028-10-01', 'holiday'],
      ['2028-10-02', 'workday'],
    ]);
    expect(result.warnings).toEqual([{ line: 8, summary: '国庆节补班', reason: expect.stringContaining('2028-10-02 was already given as holiday') }]);
  });

  it('reads LF-only files and TEXT escapes in summaries', () => {
    const text = ics('SUMMARY:元旦\\, 放假\nDTSTART;VALUE=DATE:20290101').replace(/\r\n/g, '\n');
    expect(parseIcs(text)).toEqual([{ date: '2029-01-01', name: '元旦', kind: 'holiday' }]);
  });

  it('rejects text that is not an iCalendar file', () => {
    expect(() => parseIcs('date,name\n2028-01-01,元旦')).toThrow(IcsFormatError);
  });

  it('reports an impossible date instead of inventing one', () => {
    const result = parseIcsWithReport(ics('SUMMARY:春节\nDTSTART;VALUE=DATE:20280230'));
    expect(result.entries).toEqual([]);
    expect(result.skipped[0]!.reason).toBe('DTSTART: 20280230 is not a real date');
  });
});

describe('ICS import merged into the working calendar', () => {
  it('turns an unknown year into an imported one whose holidays and make-up days count', () => {
    const base = loadWorkingCalendar();
    expect(base.isWorkingDay('2028-01-25')).toBe(true); // Tuesday, 2028 unknown
    const merged = base.merge(parseIcs(sample), { source: 'sample-2028.ics' });
    expect(merged.describe('2028-01-25')).toMatchObject({ working: false, kind: 'holiday', name: '春节', yearStatus: 'imported' });
    expect(merged.describe('2028-01-22')).toMatchObject({ working: true, kind: 'make-up-workday' });
    // Fri 2028-01-21 + 1 → Sat 01-22 (make-up), + 2 → Mon 01-24, + 3 → Wed 02-02 (after the block)
    expect(merged.addWorkingDays('2028-01-21', 3)).toBe('2028-02-02');
    expect(merged.addWorkingDaysDetailed('2028-01-21', 3).unknownYears).toEqual([]);
  });
});
