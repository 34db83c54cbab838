import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addCalendarDays, isWeekend, weekday } from './iso-date.js';
import { defaultCalendarDir, loadCalendarYears } from './loader.js';
import { calendarYearProblems } from './validate.js';
import { WorkingCalendar } from './working-calendar.js';

const dir = defaultCalendarDir();
const files = readdirSync(dir)
  .filter((f) => /^cn-\d{4}\.json$/.test(f))
  .sort();
const raw = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, any>;
const years = loadCalendarYears();

describe('shipped calendar data (config/calendars)', () => {
  it('ships one file per year for 2018 to 2027', () => {
    expect(files).toEqual([2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027].map((y) => `cn-${y}.json`));
  });

  it.each(files)('%s passes the validator (shape, names, dates in its year, no duplicates)', (file) => {
    expect(calendarYearProblems(raw(file), Number(file.slice(3, 7)))).toEqual([]);
  });

  it.each(files)('%s: the year inside matches the file name and every date lies in that year', (file) => {
    const data = raw(file);
    const year = Number(file.slice(3, 7));
    expect(data.year).toBe(year);
    for (const e of [...data.holidays, ...data.makeUpWorkdays]) expect(e.date.slice(0, 4)).toBe(String(year));
  });

  it.each(files)('%s: every make-up working day is a Saturday or Sunday', (file) => {
    const data = raw(file);
    expect(data.makeUpWorkdays.length).toBeGreaterThan(0);
    for (const e of data.makeUpWorkdays) expect([e.date, isWeekend(e.date)]).toEqual([e.date, true]);
  });

  it.each(files)('%s: every holiday date is listed once, and never also as a make-up day', (file) => {
    const data = raw(file);
    const dates = [...data.holidays, ...data.makeUpWorkdays].map((e: { date: string }) => e.date);
    expect(new Set(dates).size).toBe(dates.length);
  });

  it.each(files)('%s names its notice as source and covers all seven festivals', (file) => {
    const data = raw(file);
    expect(data.source).toBe(`国务院办公厅关于${data.year}年部分节假日安排的通知`);
    expect(new Set(data.holidays.map((h: { name: string }) => h.name))).toEqual(new Set(['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']));
  });

  it('marks 2018–2026 official (notices published) and 2027 provisional with a note saying so', () => {
    expect(years.map((y) => [y.year, y.status])).toEqual([
      [2018, 'official'],
      [2019, 'official'],
      [2020, 'official'],
      [2021, 'official'],
      [2022, 'official'],
      [2023, 'official'],
      [2024, 'official'],
      [2025, 'official'],
      [2026, 'official'],
      [2027, 'provisional'],
    ]);
    const y2027 = raw('cn-2027.json');
    expect(y2027.issued).toBeNull();
    expect(y2027.notes[0]).toMatch(/^PROVISIONAL/);
  });

  // Weekdays off minus make-up days = statutory weekday days plus compensation for statutory days on
  // weekends = the number of statutory days: 11 until 2024, 13 from 2025 (除夕 and 5月2日 added).
  // 2020 is the exception: the Spring Festival extension added 1月31日 and cancelled the 2月1日 make-up day.
  it.each([
    [2018, 11],
    [2019, 11],
    [2020, 13],
    [2021, 11],
    [2022, 11],
    [2023, 11],
    [2024, 11],
    [2025, 13],
    [2026, 13],
    [2027, 13],
  ])('%i: weekday holidays minus make-up days equals the %i statutory days of that year', (year, statutory) => {
    const data = years.find((y) => y.year === year)!;
    const weekdayHolidays = data.holidays.filter((h) => !isWeekend(h.date)).length;
    expect(weekdayHolidays - data.makeUpWorkdays.length).toBe(statutory);
  });

  it('has the 2025 extra statutory days: Spring Festival from 除夕 (8 days) and a 5-day Labour Day', () => {
    const y2025 = years.find((y) => y.year === 2025)!;
    const days = (name: string) => y2025.holidays.filter((h) => h.name === name).map((h) => h.date);
    expect(days('春节')).toEqual(['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02', '2025-02-03', '2025-02-04']);
    expect(days('劳动节')).toEqual(['2025-05-01', '2025-05-02', '2025-05-03', '2025-05-04', '2025-05-05']);
  });

  it('2027 (derived) never asks for more than 6 working days in a row', () => {
    const calendar = WorkingCalendar.fromYearData(years);
    let run = 0;
    let longest = 0;
    for (let d = '2027-01-01'; d <= '2027-12-31'; d = addCalendarDays(d, 1)) {
      run = calendar.isWorkingDay(d) ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    expect(longest).toBeLessThanOrEqual(6);
  });

  it('2027 (derived) puts the Spring Festival from 除夕 Friday 2027-02-05, Wednesday festivals on one day', () => {
    const y2027 = years.find((y) => y.year === 2027)!;
    expect(weekday('2027-02-05')).toBe(5);
    expect(y2027.holidays.find((h) => h.name === '春节')!.date).toBe('2027-02-05');
    expect(y2027.holidays.filter((h) => h.name === '端午节').map((h) => h.date)).toEqual(['2027-06-09']);
    expect(y2027.holidays.filter((h) => h.name === '中秋节').map((h) => h.date)).toEqual(['2027-09-15']);
  });
});

describe('calendar data validator', () => {
  const valid = () => ({
    year: 2030,
    region: 'CN',
    status: 'official',
    source: '国务院办公厅关于2030年部分节假日安排的通知',
    issued: '2029-11-01',
    holidays: [{ date: '2030-01-01', name: '元旦' }],
    makeUpWorkdays: [{ date: '2030-01-05', name: '元旦' }],
  });

  it('accepts a well-formed year', () => {
    expect(calendarYearProblems(valid(), 2030)).toEqual([]);
  });

  it('rejects a make-up working day that is not on a weekend', () => {
    const data = { ...valid(), makeUpWorkdays: [{ date: '2030-01-07', name: '元旦' }] };
    expect(calendarYearProblems(data, 2030)).toEqual(['makeUpWorkdays[0]: make-up working day 2030-01-07 is not a Saturday or Sunday']);
  });

  it('rejects a date listed twice, a date outside the year, an unknown name and a file-name mismatch', () => {
    const data = {
      ...valid(),
      holidays: [
        { date: '2030-01-01', name: '元旦' },
        { date: '2030-01-01', name: '元旦' },
        { date: '2031-02-01', name: '春节' },
        { date: '2030-03-08', name: '妇女节' },
      ],
    };
    const problems = calendarYearProblems(data, 2029);
    expect(problems).toEqual(
      expect.arrayContaining([
        '"year" is 2030 but the file name says 2029',
        'holidays[1]: 2030-01-01 already listed in holidays[0]',
        'holidays[2].date 2031-02-01 is not in 2030',
        expect.stringContaining('holidays[3].name must be one of'),
      ]),
    );
  });

  it('rejects impossible dates and an official year without an issue date', () => {
    const data = { ...valid(), issued: undefined, holidays: [{ date: '2030-02-30', name: '春节' }] };
    expect(calendarYearProblems(data, 2030)).toEqual([
      'an official year needs "issued", the date of the notice',
      "holidays[0].date is not a 'YYYY-MM-DD' date: 2030-02-30",
    ]);
  });
});
