import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcSeed } from '../../common/fc-seed.js';
import { daysLeft, daysOverdue, dueInstant, InvalidInstantError, InvalidTimezoneError, warnInstant, warnInstantDetailed } from './deadline.js';
import { fromEpochDay, toEpochDay } from './iso-date.js';
import { loadWorkingCalendar } from './loader.js';

// Every fc.assert in this file runs on one seed, printed; DUBAN_FC_SEED replays it.
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fcSeed('deadline.spec.ts') });

const calendar = loadWorkingCalendar();

describe('dueInstant', () => {
  it('is 23:59:59 Beijing time on the due date by default (2026-06-30 → 15:59:59Z)', () => {
    expect(dueInstant('2026-06-30')).toBe('2026-06-30T15:59:59.000Z');
    expect(dueInstant('2026-12-31', 'Asia/Shanghai')).toBe('2026-12-31T15:59:59.000Z');
  });

  it('has the same UTC offset all year in Asia/Shanghai (no daylight saving)', () => {
    const times = ['2026-01-15', '2026-03-29', '2026-07-15', '2026-11-01'].map((d) => dueInstant(d).slice(11));
    expect(new Set(times)).toEqual(new Set(['15:59:59.000Z']));
  });

  it('follows daylight saving in Europe/Berlin: +1 in winter, +2 from the switch day on', () => {
    expect(dueInstant('2026-01-15', 'Europe/Berlin')).toBe('2026-01-15T22:59:59.000Z');
    expect(dueInstant('2026-03-28', 'Europe/Berlin')).toBe('2026-03-28T22:59:59.000Z');
    expect(dueInstant('2026-03-29', 'Europe/Berlin')).toBe('2026-03-29T21:59:59.000Z'); // clocks went forward at 02:00
    expect(dueInstant('2026-06-30', 'Europe/Berlin')).toBe('2026-06-30T21:59:59.000Z');
  });

  it('uses standard time in America/New_York on the day daylight saving ends', () => {
    expect(dueInstant('2026-10-31', 'America/New_York')).toBe('2026-11-01T03:59:59.000Z');
    expect(dueInstant('2026-11-01', 'America/New_York')).toBe('2026-11-02T04:59:59.000Z');
  });

  it('rejects an unknown timezone and an impossible date', () => {
    expect(() => dueInstant('2026-06-30', 'Mars/Olympus_Mons')).toThrow(InvalidTimezoneError);
    expect(() => dueInstant('2026-06-31')).toThrow(RangeError);
  });
});

describe('warnInstant', () => {
  it('with N = 3 before a Monday due date, starts the previous Wednesday at 00:00 Beijing time', () => {
    // Due Monday 2026-03-16: Fri 13 = 1, Thu 12 = 2, Wed 11 = 3 → 2026-03-11 00:00 +08:00.
    expect(warnInstant('2026-03-16', 3, calendar)).toBe('2026-03-10T16:00:00.000Z');
  });

  it('skips the National Day holiday and counts the make-up Saturday (due Tue 2026-10-13)', () => {
    // Mon Oct 12 = 1, Sat Oct 10 (make-up) = 2, Fri Oct 9 = 3.
    expect(warnInstant('2026-10-13', 3, calendar)).toBe('2026-10-08T16:00:00.000Z');
    // … Thu Oct 8 = 4, Oct 1–7 off, Wed Sep 30 = 5.
    expect(warnInstant('2026-10-13', 5, calendar)).toBe('2026-09-29T16:00:00.000Z');
  });

  it('skips the 9-day 2026 Spring Festival and counts Saturday Feb 14 (due Wed 2026-02-25)', () => {
    // Tue Feb 24 = 1, Feb 15–23 off, Sat Feb 14 (make-up) = 2, Fri Feb 13 = 3.
    expect(warnInstantDetailed('2026-02-25', 3, calendar)).toEqual({
      at: '2026-02-12T16:00:00.000Z',
      warnDate: '2026-02-13',
      unknownYears: [],
      provisionalYears: [],
    });
  });

  it('counts back from the due date even when the due date is a rest day (due Sunday, N = 1 → Friday)', () => {
    expect(warnInstant('2026-03-15', 1, calendar)).toBe('2026-03-12T16:00:00.000Z');
  });

  it('with N = 0 is the start of the due date itself', () => {
    expect(warnInstant('2026-06-30', 0, calendar)).toBe('2026-06-29T16:00:00.000Z');
  });

  it('takes the start of the warn day in the plan timezone (Europe/Berlin)', () => {
    expect(warnInstant('2026-03-16', 3, calendar, 'Europe/Berlin')).toBe('2026-03-10T23:00:00.000Z');
  });

  it('starts at the first existing instant where daylight saving skips midnight (America/Santiago)', () => {
    // 2026-09-06: Chilean clocks jump from 00:00 to 01:00 (-04 → -03).
    expect(warnInstant('2026-09-06', 0, calendar, 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
  });

  it('flags unknown and provisional years instead of throwing', () => {
    expect(warnInstantDetailed('2030-01-07', 3, calendar)).toMatchObject({ warnDate: '2030-01-02', unknownYears: [2030] });
    expect(warnInstantDetailed('2027-10-11', 2, calendar)).toMatchObject({
      warnDate: '2027-10-08', // Sat Oct 9 (make-up) = 1, Fri Oct 8 = 2
      unknownYears: [],
      provisionalYears: [2027],
    });
  });

  it('rejects a negative or fractional number of working days', () => {
    expect(() => warnInstant('2026-03-16', -1, calendar)).toThrow(RangeError);
    expect(() => warnInstant('2026-03-16', 1.5, calendar)).toThrow(RangeError);
  });

  it('always lies before the due instant, so a node turns yellow before it turns red (property)', () => {
    const from = toEpochDay('2024-01-01');
    const to = toEpochDay('2027-12-31');
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), fc.integer({ min: 0, max: 15 }), (day, n) => {
        const due = fromEpochDay(day);
        expect(Date.parse(warnInstant(due, n, calendar)) < Date.parse(dueInstant(due))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('daysOverdue', () => {
  const due = dueInstant('2026-06-30'); // 2026-06-30T15:59:59.000Z

  it('is 0 before the due instant', () => {
    expect(daysOverdue(due, '2026-06-30T15:59:58.999Z')).toBe(0);
    expect(daysOverdue(due, '2026-06-01T00:00:00Z')).toBe(0);
  });

  it('is 1 from the due instant through the whole next Beijing day, then 2', () => {
    expect(daysOverdue(due, '2026-06-30T15:59:59.000Z')).toBe(1);
    expect(daysOverdue(due, '2026-06-30T16:00:00.000Z')).toBe(1); // 07-01 00:00 Beijing
    expect(daysOverdue(due, '2026-07-01T15:59:59.000Z')).toBe(1); // 07-01 23:59:59 Beijing
    expect(daysOverdue(due, '2026-07-01T16:00:00.000Z')).toBe(2); // 07-02 00:00 Beijing
  });

  it('counts calendar days in the given timezone, not 24-hour periods or UTC dates', () => {
    // 2026-07-02T02:00Z is 07-02 10:00 in Beijing but 07-01 22:00 in New York.
    expect(daysOverdue(due, '2026-07-02T02:00:00Z', 'Asia/Shanghai')).toBe(2);
    expect(daysOverdue(due, '2026-07-02T02:00:00Z', 'America/New_York')).toBe(1);
    expect(daysOverdue(due, '2026-07-02T10:00:00+08:00')).toBe(2);
  });

  it('counts calendar days across a daylight-saving change', () => {
    const nyDue = dueInstant('2026-10-31', 'America/New_York');
    expect(daysOverdue(nyDue, '2026-11-02T12:00:00Z', 'America/New_York')).toBe(2);
  });

  it('rejects instants without an offset (their meaning would depend on the server)', () => {
    expect(() => daysOverdue(due, '2026-07-01T10:00:00')).toThrow(InvalidInstantError);
    expect(() => daysOverdue(due, 'yesterday')).toThrow(InvalidInstantError);
    expect(() => daysOverdue(due, '2026-02-30T00:00:00Z')).toThrow(InvalidInstantError);
    expect(() => daysOverdue(due, '2026-07-01T25:00:00Z')).toThrow(InvalidInstantError);
  });
});

describe('daysLeft', () => {
  const due = dueInstant('2026-06-30');

  it('is 0 on the due day itself and 1 on the day before, in Beijing time', () => {
    expect(daysLeft(due, '2026-06-30T01:00:00Z')).toBe(0); // 06-30 09:00 Beijing
    expect(daysLeft(due, '2026-06-29T17:00:00Z')).toBe(0); // 06-30 01:00 Beijing (still 06-29 in UTC)
    expect(daysLeft(due, '2026-06-29T01:00:00Z')).toBe(1);
    expect(daysLeft(due, '2026-06-27T16:00:00Z')).toBe(2); // 06-28 00:00 Beijing
  });

  it('is 0 once the due instant has passed', () => {
    expect(daysLeft(due, '2026-06-30T15:59:59.000Z')).toBe(0);
    expect(daysLeft(due, '2026-07-05T00:00:00Z')).toBe(0);
  });

  it('depends on the timezone the plan counts in', () => {
    expect(daysLeft(due, '2026-06-29T17:00:00Z', 'UTC')).toBe(1);
  });
});
