import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultCalendarDir, findProjectRoot, loadCalendarYears, loadWorkingCalendar } from './loader.js';
import { CalendarDataError } from './validate.js';

const root = findProjectRoot();

describe('calendar loader', () => {
  it('finds the project root (the folder holding package.json) from the source module', () => {
    expect(existsSync(join(root, 'package.json'))).toBe(true);
    expect(defaultCalendarDir()).toBe(join(root, 'config', 'calendars'));
  });

  it('finds the same root from where the compiled module lives (dist/src/deadlines/calendar)', () => {
    const compiled = pathToFileURL(join(root, 'dist', 'src', 'deadlines', 'calendar', 'loader.js'));
    expect(findProjectRoot(compiled)).toBe(root);
    expect(findProjectRoot(join(root, 'dist', 'src'))).toBe(root);
  });

  it('loads 2018–2027 into a calendar', () => {
    expect(loadWorkingCalendar().knownYears()).toEqual([2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027]);
  });

  describe('with a data folder of its own', () => {
    const withDir = (files: Record<string, string>, run: (dir: string) => void) => {
      const dir = mkdtempSync(join(tmpdir(), 'duban-cal-'));
      try {
        for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
        run(dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const year = (y: number, extra: object = {}) =>
      JSON.stringify({
        year: y,
        region: 'CN',
        status: 'official',
        source: `国务院办公厅关于${y}年部分节假日安排的通知`,
        issued: `${y - 1}-11-01`,
        holidays: [{ date: `${y}-01-01`, name: '元旦' }],
        makeUpWorkdays: [],
        ...extra,
      });

    it('reads only cn-YYYY.json files, in year order', () => {
      withDir({ 'cn-2031.json': year(2031), 'cn-2030.json': year(2030), 'README.md': '#', 'cn-2030.json.bak': '{' }, (dir) => {
        expect(loadCalendarYears(dir).map((y) => y.year)).toEqual([2030, 2031]);
      });
    });

    it('refuses a file whose year does not match its name, listing the problems', () => {
      withDir({ 'cn-2030.json': year(2031) }, (dir) => {
        expect(() => loadCalendarYears(dir)).toThrow(CalendarDataError);
        expect(() => loadCalendarYears(dir)).toThrow(/"year" is 2031 but the file name says 2030/);
      });
    });

    it('refuses a file that is not JSON', () => {
      withDir({ 'cn-2030.json': '{ "year": 2030,' }, (dir) => {
        expect(() => loadCalendarYears(dir)).toThrow(/not readable JSON/);
      });
    });

    it('refuses a make-up working day on a weekday', () => {
      withDir({ 'cn-2030.json': year(2030, { makeUpWorkdays: [{ date: '2030-01-02', name: '元旦' }] }) }, (dir) => {
        expect(() => loadWorkingCalendar({ dir })).toThrow(/2030-01-02 is not a Saturday or Sunday/);
      });
    });
  });
});
