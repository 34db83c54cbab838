import { describe, expect, it } from '@jest/globals';
import { calendarGaps, unknownYearMessage } from './gaps.js';
import { loadWorkingCalendar } from './loader.js';
import { WorkingCalendar } from './working-calendar.js';

describe('calendarGaps: years a plan or an import touches without holiday data', () => {
  it('says "YYYY 年无节假日历，按周末计算" for each unknown year, once, ascending', () => {
    expect(calendarGaps(loadWorkingCalendar(), [2030, 2017, 2019, 2017, 2026])).toEqual([
      { code: 'calendar.unknownYear', year: 2017, message: '2017 年无节假日历，按周末计算' },
      { code: 'calendar.unknownYear', year: 2030, message: '2030 年无节假日历，按周末计算' },
    ]);
  });

  it('has nothing to say for the shipped years 2018–2027', () => {
    expect(calendarGaps(loadWorkingCalendar(), [2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027])).toEqual([]);
  });

  it('counts an imported year as known', () => {
    const cal = WorkingCalendar.weekendsOnly().merge([{ date: '2019-05-01', name: '劳动节', kind: 'holiday' }], { source: 'x.ics', mode: 'replaceYears' });
    expect(calendarGaps(cal, [2019, 2020]).map((g) => g.year)).toEqual([2020]);
    expect(unknownYearMessage(2019)).toBe('2019 年无节假日历，按周末计算');
  });
});
