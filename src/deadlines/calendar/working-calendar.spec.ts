import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcSeed } from '../../common/fc-seed.js';
import { addCalendarDays, fromEpochDay, toEpochDay } from './iso-date.js';
import { loadWorkingCalendar } from './loader.js';
import type { CalendarWarning } from './types.js';
import { WorkingCalendar } from './working-calendar.js';

// Every fc.assert in this file runs on one seed, printed; DUBAN_FC_SEED replays it.
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fcSeed('working-calendar.spec.ts') });

const calendar = loadWorkingCalendar();

describe('WorkingCalendar.isWorkingDay', () => {
  it('treats Monday to Friday as working days and Saturday/Sunday as rest days in an ordinary week', () => {
    // 2026-03-09 is a Monday.
    const week = ['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13', '2026-03-14', '2026-03-15'];
    expect(week.map((d) => calendar.isWorkingDay(d))).toEqual([true, true, true, true, true, false, false]);
  });

  it('treats every weekday of the 2026 National Day block (Oct 1–7) as a day off', () => {
    for (let d = '2026-10-01'; d <= '2026-10-07'; d = addCalendarDays(d, 1)) expect([d, calendar.isWorkingDay(d)]).toEqual([d, false]);
    expect(calendar.isWorkingDay('2026-10-08')).toBe(true);
  });

  it('treats the 2026 National Day make-up days (Sunday Sep 20, Saturday Oct 10) as working days', () => {
    expect(calendar.isWorkingDay('2026-09-20')).toBe(true);
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true);
    expect(calendar.isWorkingDay('2026-10-11')).toBe(false); // the Sunday after stays a rest day
  });

  it('treats the 2026 Spring Festival Feb 15–23 as off and Saturdays Feb 14 and Feb 28 as working days', () => {
    expect(calendar.isWorkingDay('2026-02-13')).toBe(true);
    expect(calendar.isWorkingDay('2026-02-14')).toBe(true);
    for (let d = '2026-02-15'; d <= '2026-02-23'; d = addCalendarDays(d, 1)) expect(calendar.isWorkingDay(d)).toBe(false);
    expect(calendar.isWorkingDay('2026-02-24')).toBe(true);
    expect(calendar.isWorkingDay('2026-02-28')).toBe(true);
  });

  it('keeps 除夕 2024 (Friday Feb 9) a working day, as the 2024 notice only encouraged a day off', () => {
    expect(calendar.isWorkingDay('2024-02-09')).toBe(true);
    expect(calendar.isWorkingDay('2024-02-10')).toBe(false);
  });

  it('rejects strings that are not real YYYY-MM-DD dates', () => {
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(/not a valid 'YYYY-MM-DD' date/);
    expect(() => calendar.isWorkingDay('2026-6-1')).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('2026-06-01T00:00:00Z')).toThrow(RangeError);
  });
});

describe('WorkingCalendar.describe', () => {
  it('says why a day is or is not a working day, with the festival name and the year status', () => {
    expect(calendar.describe('2026-10-01')).toEqual({
      date: '2026-10-01',
      working: false,
      kind: 'holiday',
      name: '国庆节',
      unknownYear: false,
      yearStatus: 'official',
    });
    expect(calendar.describe('2026-09-20')).toMatchObject({ working: true, kind: 'make-up-workday', name: '国庆节' });
    expect(calendar.describe('2026-03-14')).toMatchObject({ working: false, kind: 'weekend' });
    expect(calendar.describe('2026-03-13')).toMatchObject({ working: true, kind: 'workday' });
  });

  it('reports 2027 as provisional data', () => {
    expect(calendar.describe('2027-10-01')).toMatchObject({ working: false, yearStatus: 'provisional', unknownYear: false });
  });
});

describe('WorkingCalendar.addWorkingDays', () => {
  it('moves from Friday to the next Monday with n = 1 (weekend skipped)', () => {
    expect(calendar.addWorkingDays('2026-03-13', 1)).toBe('2026-03-16');
  });

  it('moves back from a Monday to the previous Wednesday with n = -3', () => {
    expect(calendar.addWorkingDays('2026-03-16', -3)).toBe('2026-03-11');
  });

  it('returns the date itself for n = 0, even on a rest day', () => {
    expect(calendar.addWorkingDays('2026-03-14', 0)).toBe('2026-03-14');
  });

  it('skips the 2026 National Day block and counts Saturday Oct 10 as a working day', () => {
    // Sep 30 (Wed) + 1 → Oct 8 (Thu), + 2 → Oct 9 (Fri), + 3 → Oct 10 (Sat, make-up day).
    expect(calendar.addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
    expect(calendar.addWorkingDays('2026-09-30', 3)).toBe('2026-10-10');
    expect(calendar.addWorkingDays('2026-09-30', 4)).toBe('2026-10-12');
  });

  it('counts backwards across the Spring Festival with negative n, landing on the make-up Saturday', () => {
    // Before Tue 2026-02-24: Feb 15–23 off; Sat Feb 14 is a working day, then Fri Feb 13.
    expect(calendar.addWorkingDays('2026-02-24', -1)).toBe('2026-02-14');
    expect(calendar.addWorkingDays('2026-02-24', -2)).toBe('2026-02-13');
  });

  it('crosses from one known year into the next (2025-12-31 + 1 skips 元旦 2026 Jan 1–3)', () => {
    // Jan 4 2026 is a Sunday make-up working day.
    expect(calendar.addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
  });

  it('rejects a fractional n', () => {
    expect(() => calendar.addWorkingDays('2026-03-16', 1.5)).toThrow(RangeError);
  });
});

describe('WorkingCalendar.workingDaysBetween', () => {
  it('counts the working days after a and up to b: Friday → Monday is 1, same day is 0', () => {
    expect(calendar.workingDaysBetween('2026-03-13', '2026-03-16')).toBe(1);
    expect(calendar.workingDaysBetween('2026-03-13', '2026-03-13')).toBe(0);
  });

  it('is negative when b is before a', () => {
    expect(calendar.workingDaysBetween('2026-03-16', '2026-03-11')).toBe(-3);
  });

  it('counts September–October 2026 across 中秋节, the National Day block and both make-up days', () => {
    // (Sep 18, Oct 12]: Sep 20 (Sun, make-up), Sep 21–24 (Sep 25 is 中秋节), Sep 28–30, Oct 8–9,
    // Oct 10 (Sat, make-up), Oct 12.
    expect(calendar.workingDaysBetween('2026-09-18', '2026-10-12')).toBe(1 + 4 + 3 + 2 + 1 + 1);
  });

  it('counts 248 working days in each of 2025 and 2026 (261 weekdays − weekday holidays + make-up days)', () => {
    const manual = (year: number) => {
      let n = 0;
      for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addCalendarDays(d, 1)) if (calendar.isWorkingDay(d)) n++;
      return n;
    };
    expect(calendar.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(manual(2026));
    expect(calendar.workingDaysBetween('2024-12-31', '2025-12-31')).toBe(manual(2025));
    expect(manual(2026)).toBe(261 - 19 + 6);
    expect(manual(2025)).toBe(261 - 18 + 5);
  });

  it('agrees with a day-by-day count and inverts addWorkingDays from working days (property)', () => {
    const start = toEpochDay('2023-06-01');
    const end = toEpochDay('2028-06-30');
    fc.assert(
      fc.property(fc.integer({ min: start, max: end }), fc.integer({ min: -60, max: 60 }), (a, span) => {
        const from = fromEpochDay(a);
        const to = fromEpochDay(a + span);
        let walk = 0;
        for (let d = Math.min(a, a + span) + 1; d <= Math.max(a, a + span); d++) if (calendar.isWorkingDay(fromEpochDay(d))) walk++;
        expect(calendar.workingDaysBetween(from, to)).toBe(span >= 0 ? walk : -walk);
        if (calendar.isWorkingDay(from)) expect(calendar.workingDaysBetween(from, calendar.addWorkingDays(from, span))).toBe(span);
      }),
      { numRuns: 400 },
    );
  });
});

describe('WorkingCalendar outside the known years', () => {
  it('uses plain weekends for 2030 and flags the year as unknown instead of throwing', () => {
    expect(calendar.isWorkingDay('2030-10-01')).toBe(true); // a Tuesday: National Day unknown for 2030
    expect(calendar.isWorkingDay('2030-10-05')).toBe(false); // Saturday
    expect(calendar.describe('2030-10-01')).toEqual({ date: '2030-10-01', working: true, kind: 'workday', unknownYear: true });
  });

  it('lists the unknown and provisional years an answer relied on', () => {
    expect(calendar.addWorkingDaysDetailed('2027-12-30', 3)).toEqual({
      value: '2028-01-04',
      unknownYears: [2028],
      provisionalYears: [2027],
    });
    expect(calendar.addWorkingDaysDetailed('2026-03-16', -3)).toEqual({ value: '2026-03-11', unknownYears: [], provisionalYears: [] });
    expect(calendar.workingDaysBetweenDetailed('2017-12-29', '2018-01-02')).toEqual({
      value: 1, // Jan 1 2018 is 元旦; Dec 30–31 2017 (a weekend) are answered on plain weekends
      unknownYears: [2017],
      provisionalYears: [],
    });
  });

  it('warns once per year through onWarning', () => {
    const warnings: CalendarWarning[] = [];
    const cal = loadWorkingCalendar({ onWarning: (w) => warnings.push(w) });
    cal.isWorkingDay('2031-05-01');
    cal.addWorkingDays('2031-05-01', 5);
    cal.isWorkingDay('2026-05-01');
    expect(warnings).toEqual([{ code: 'unknownYear', year: 2031, message: expect.stringContaining('no holiday data for 2031') }]);
  });

  it('works with no data at all (weekends only)', () => {
    const plain = WorkingCalendar.weekendsOnly();
    expect(plain.addWorkingDays('2026-09-30', 1)).toBe('2026-10-01');
    expect(plain.knownYears()).toEqual([]);
  });
});

describe('WorkingCalendar.merge', () => {
  it('returns a new calendar and leaves the original unchanged', () => {
    const merged = calendar.merge([{ date: '2026-03-16', name: '地方假日', kind: 'holiday' }], { source: 'local.ics' });
    expect(merged.isWorkingDay('2026-03-16')).toBe(false);
    expect(calendar.isWorkingDay('2026-03-16')).toBe(true);
    expect(merged.yearInfo(2026)).toEqual({ year: 2026, status: 'official', sources: ['国务院办公厅关于2026年部分节假日安排的通知', 'local.ics'] });
  });

  it('makes an unknown year known with status imported', () => {
    const merged = calendar.merge([{ date: '2028-10-02', name: '国庆节', kind: 'holiday' }]);
    expect(merged.describe('2028-10-02')).toMatchObject({ working: false, unknownYear: false, yearStatus: 'imported' });
  });

  it('replaceYears drops every derived date of a provisional year before applying the import', () => {
    const merged = calendar.merge(
      [
        { date: '2027-02-05', name: '春节', kind: 'holiday' },
        { date: '2027-02-20', name: '春节', kind: 'workday' },
      ],
      { mode: 'replaceYears', source: 'official-2027.ics' },
    );
    expect(merged.isWorkingDay('2027-02-08')).toBe(true); // the derived block is gone
    expect(merged.isWorkingDay('2027-02-13')).toBe(false); // so is the derived make-up Saturday
    expect(merged.isWorkingDay('2027-02-20')).toBe(true);
    expect(merged.yearInfo(2027)).toEqual({ year: 2027, status: 'imported', sources: ['official-2027.ics'] });
    expect(merged.entries(2027)).toHaveLength(2);
    expect(merged.entries(2026)).toEqual(calendar.entries(2026));
  });
});
