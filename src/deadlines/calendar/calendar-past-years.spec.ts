import { describe, expect, it } from '@jest/globals';
import { addCalendarDays, weekday } from './iso-date.js';
import { loadCalendarYears, loadWorkingCalendar } from './loader.js';
import type { IsoDate } from './iso-date.js';

/**
 * The shipped calendars for 2018–2023 (issue 10 item 8), year by year against the notices' own words:
 * each block's days off, each make-up day with the weekday the notice names, and the two amendments
 * (2019 劳动节, 2020 春节 extension). `describe` of a date is what deadlines and warn times rely on.
 */
const calendar = loadWorkingCalendar();
const years = loadCalendarYears();
const year = (y: number) => years.find((d) => d.year === y)!;
const days = (from: IsoDate, to: IsoDate): IsoDate[] => {
  const out: IsoDate[] = [];
  for (let d = from; d <= to; d = addCalendarDays(d, 1)) out.push(d);
  return out;
};
const off = (...list: IsoDate[]) => list.map((d) => [d, calendar.isWorkingDay(d)]);
const allOff = (list: IsoDate[]) => list.map((d) => [d, false]);
/** 星期日 = 0 … 星期六 = 6, as the notices write them. */
const SUNDAY = 0;
const SATURDAY = 6;

/** Per year: [festival, first day off, last day off, make-up days with the weekday the notice gives]. */
const NOTICES: Record<number, [string, IsoDate, IsoDate, [IsoDate, number][]][]> = {
  2018: [
    ['元旦', '2018-01-01', '2018-01-01', []],
    [
      '春节',
      '2018-02-15',
      '2018-02-21',
      [
        ['2018-02-11', SUNDAY],
        ['2018-02-24', SATURDAY],
      ],
    ],
    ['清明节', '2018-04-05', '2018-04-07', [['2018-04-08', SUNDAY]]],
    ['劳动节', '2018-04-29', '2018-05-01', [['2018-04-28', SATURDAY]]],
    ['端午节', '2018-06-18', '2018-06-18', []],
    ['中秋节', '2018-09-24', '2018-09-24', []],
    [
      '国庆节',
      '2018-10-01',
      '2018-10-07',
      [
        ['2018-09-29', SATURDAY],
        ['2018-09-30', SUNDAY],
      ],
    ],
    // 元旦 2019 (from the 2019 notice), its 2018 part
    ['元旦', '2018-12-30', '2018-12-31', [['2018-12-29', SATURDAY]]],
  ],
  2019: [
    ['元旦', '2019-01-01', '2019-01-01', []],
    [
      '春节',
      '2019-02-04',
      '2019-02-10',
      [
        ['2019-02-02', SATURDAY],
        ['2019-02-03', SUNDAY],
      ],
    ],
    ['清明节', '2019-04-05', '2019-04-05', []],
    [
      '劳动节',
      '2019-05-01',
      '2019-05-04',
      [
        ['2019-04-28', SUNDAY],
        ['2019-05-05', SUNDAY],
      ],
    ],
    ['端午节', '2019-06-07', '2019-06-07', []],
    ['中秋节', '2019-09-13', '2019-09-13', []],
    [
      '国庆节',
      '2019-10-01',
      '2019-10-07',
      [
        ['2019-09-29', SUNDAY],
        ['2019-10-12', SATURDAY],
      ],
    ],
  ],
  2020: [
    ['元旦', '2020-01-01', '2020-01-01', []],
    ['春节', '2020-01-24', '2020-02-02', [['2020-01-19', SUNDAY]]],
    ['清明节', '2020-04-04', '2020-04-06', []],
    [
      '劳动节',
      '2020-05-01',
      '2020-05-05',
      [
        ['2020-04-26', SUNDAY],
        ['2020-05-09', SATURDAY],
      ],
    ],
    ['端午节', '2020-06-25', '2020-06-27', [['2020-06-28', SUNDAY]]],
    [
      '国庆节',
      '2020-10-01',
      '2020-10-08',
      [
        ['2020-09-27', SUNDAY],
        ['2020-10-10', SATURDAY],
      ],
    ],
  ],
  2021: [
    ['元旦', '2021-01-01', '2021-01-03', []],
    [
      '春节',
      '2021-02-11',
      '2021-02-17',
      [
        ['2021-02-07', SUNDAY],
        ['2021-02-20', SATURDAY],
      ],
    ],
    ['清明节', '2021-04-03', '2021-04-05', []],
    [
      '劳动节',
      '2021-05-01',
      '2021-05-05',
      [
        ['2021-04-25', SUNDAY],
        ['2021-05-08', SATURDAY],
      ],
    ],
    ['端午节', '2021-06-12', '2021-06-14', []],
    ['中秋节', '2021-09-19', '2021-09-21', [['2021-09-18', SATURDAY]]],
    [
      '国庆节',
      '2021-10-01',
      '2021-10-07',
      [
        ['2021-09-26', SUNDAY],
        ['2021-10-09', SATURDAY],
      ],
    ],
  ],
  2022: [
    ['元旦', '2022-01-01', '2022-01-03', []],
    [
      '春节',
      '2022-01-31',
      '2022-02-06',
      [
        ['2022-01-29', SATURDAY],
        ['2022-01-30', SUNDAY],
      ],
    ],
    ['清明节', '2022-04-03', '2022-04-05', [['2022-04-02', SATURDAY]]],
    [
      '劳动节',
      '2022-04-30',
      '2022-05-04',
      [
        ['2022-04-24', SUNDAY],
        ['2022-05-07', SATURDAY],
      ],
    ],
    ['端午节', '2022-06-03', '2022-06-05', []],
    ['中秋节', '2022-09-10', '2022-09-12', []],
    [
      '国庆节',
      '2022-10-01',
      '2022-10-07',
      [
        ['2022-10-08', SATURDAY],
        ['2022-10-09', SUNDAY],
      ],
    ],
    ['元旦', '2022-12-31', '2022-12-31', []],
  ],
  2023: [
    ['元旦', '2023-01-01', '2023-01-02', []],
    [
      '春节',
      '2023-01-21',
      '2023-01-27',
      [
        ['2023-01-28', SATURDAY],
        ['2023-01-29', SUNDAY],
      ],
    ],
    ['清明节', '2023-04-05', '2023-04-05', []],
    [
      '劳动节',
      '2023-04-29',
      '2023-05-03',
      [
        ['2023-04-23', SUNDAY],
        ['2023-05-06', SATURDAY],
      ],
    ],
    ['端午节', '2023-06-22', '2023-06-24', [['2023-06-25', SUNDAY]]],
    [
      '国庆节',
      '2023-09-29',
      '2023-10-06',
      [
        ['2023-10-07', SATURDAY],
        ['2023-10-08', SUNDAY],
      ],
    ],
  ],
};

describe.each(Object.keys(NOTICES).map(Number))('calendar %i (国务院办公厅关于%i年部分节假日安排的通知)', (y) => {
  const blocks = NOTICES[y]!;

  it('is official, names its notice, its 文号 and the date it was issued', () => {
    const data = year(y);
    expect(data.status).toBe('official');
    expect(data.source).toBe(`国务院办公厅关于${y}年部分节假日安排的通知`);
    expect(data.documentNumber).toMatch(/^国办发明电〔\d{4}〕\d+号$/);
    expect(data.issued! < `${y}-01-01`).toBe(true);
  });

  it.each(blocks.map((b) => [b[0], b[1], b[2]] as const))('%s: every day from %s to %s is a day off', (_name, from, to) => {
    expect(off(...days(from, to))).toEqual(allOff(days(from, to)));
  });

  it("lists exactly the notice's days off and make-up days, nothing else", () => {
    const data = year(y);
    expect(data.holidays.map((h) => h.date).sort()).toEqual(blocks.flatMap((b) => days(b[1], b[2])).sort());
    expect(data.makeUpWorkdays.map((h) => h.date).sort()).toEqual(blocks.flatMap((b) => b[3].map((m) => m[0])).sort());
  });

  it('makes each make-up day a working day, on the weekday the notice names', () => {
    for (const [, , , makeUps] of blocks) {
      for (const [date, wd] of makeUps) {
        expect([date, weekday(date) % 7, calendar.describe(date).kind, calendar.isWorkingDay(date)]).toEqual([date, wd, 'make-up-workday', true]);
      }
    }
  });

  it('is known to the calendar: no day of the year is answered on plain weekends', () => {
    expect(calendar.describe(`${y}-07-15`).unknownYear).toBe(false);
    expect(calendar.knownYears()).toContain(y);
  });
});

describe('amended years', () => {
  it('2019 劳动节 follows the amendment of 2019-03-22: 5月1日–4日 off, 4月28日 and 5月5日 (Sundays) worked', () => {
    const data = year(2019);
    expect(data.amendments).toEqual([expect.objectContaining({ issued: '2019-03-22', title: '国务院办公厅关于调整2019年劳动节假期安排的通知' })]);
    expect(data.holidays.filter((h) => h.name === '劳动节').map((h) => h.date)).toEqual(['2019-05-01', '2019-05-02', '2019-05-03', '2019-05-04']);
    expect(off('2019-04-28', '2019-05-05')).toEqual([
      ['2019-04-28', true],
      ['2019-05-05', true],
    ]);
    // a node due 5月6日 (Monday) warned 3 working days before: 5月5日 (a worked Sunday), 4月30日, 4月29日
    expect(calendar.addWorkingDays('2019-05-06', -3)).toBe('2019-04-29');
  });

  it('2020 春节 follows the extension of 2020-01-26: off to 2月2日, back on 2月3日; 2月1日 is no longer worked', () => {
    const data = year(2020);
    expect(data.amendments).toEqual([expect.objectContaining({ issued: '2020-01-26', title: '国务院办公厅关于延长2020年春节假期的通知' })]);
    expect(off('2020-01-31', '2020-02-01', '2020-02-02', '2020-02-03')).toEqual([
      ['2020-01-31', false],
      ['2020-02-01', false],
      ['2020-02-02', false],
      ['2020-02-03', true],
    ]);
    expect(calendar.describe('2020-02-01')).toMatchObject({ kind: 'holiday', name: '春节' });
    expect(calendar.addWorkingDays('2020-01-23', 1)).toBe('2020-02-03');
    expect(data.notes!.join(' ')).toMatch(/13 in 2020/);
  });

  it('the days around New Year 2019 and 2023 cross the year boundary as the notices say', () => {
    expect(off('2018-12-29', '2018-12-30', '2018-12-31', '2019-01-01', '2019-01-02')).toEqual([
      ['2018-12-29', true],
      ['2018-12-30', false],
      ['2018-12-31', false],
      ['2019-01-01', false],
      ['2019-01-02', true],
    ]);
    expect(calendar.describe('2022-12-31')).toMatchObject({ kind: 'holiday', name: '元旦' });
    expect(calendar.isWorkingDay('2023-01-03')).toBe(true);
  });

  it('2017 and 2028 stay unknown (plain weekends, flagged)', () => {
    expect(calendar.describe('2017-10-02')).toMatchObject({ unknownYear: true, working: true });
    expect(calendar.describe('2028-10-02').unknownYear).toBe(true);
  });
});
