import { DateTime } from 'luxon';

export const FREQUENCIES = ['weekly', 'monthly', 'quarterly', 'half-year', 'year-end'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** How a period is written for each frequency, for error messages and the API docs. */
export const PERIOD_FORMATS: Record<Frequency, string> = {
  weekly: 'YYYY-Www (ISO week, e.g. 2026-W23)',
  monthly: 'YYYY-MM (e.g. 2026-06)',
  quarterly: 'YYYY-Qn (e.g. 2026-Q2)',
  'half-year': 'YYYY-H1 or YYYY-H2',
  'year-end': 'YYYY',
};

const QUARTERS = ['一', '二', '三', '四'];

/** A period of a series: its last civil day (the cut-off is the end of that day in the plan's zone) and its label. */
export interface Period {
  period: string;
  lastDay: string;
  label: string;
}

/** The period a string names under a frequency, or null when it does not match the frequency's format. */
export function parsePeriod(frequency: Frequency, period: string): Period | null {
  let m: RegExpExecArray | null;
  const day = (d: DateTime) => (d.isValid ? d.toISODate()! : null);
  let lastDay: string | null = null;
  let label = '';
  switch (frequency) {
    case 'weekly':
      if ((m = /^(\d{4})-W(\d{2})$/.exec(period))) {
        const d = DateTime.fromObject({ weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: 7 }, { zone: 'utc' });
        if (d.isValid && d.weekNumber === Number(m[2])) lastDay = day(d);
        label = `${m[1]}年第${Number(m[2])}周`;
      }
      break;
    case 'monthly':
      if ((m = /^(\d{4})-(\d{2})$/.exec(period)) && Number(m[2]) >= 1 && Number(m[2]) <= 12) {
        lastDay = day(DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]) }, { zone: 'utc' }).endOf('month'));
        label = `${m[1]}年${Number(m[2])}月`;
      }
      break;
    case 'quarterly':
      if ((m = /^(\d{4})-Q([1-4])$/.exec(period))) {
        lastDay = day(DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]) * 3 }, { zone: 'utc' }).endOf('month'));
        label = `${m[1]}年第${QUARTERS[Number(m[2]) - 1]}季度`;
      }
      break;
    case 'half-year':
      if ((m = /^(\d{4})-H([12])$/.exec(period))) {
        lastDay = `${m[1]}-${m[2] === '1' ? '06-30' : '12-31'}`;
        label = `${m[1]}年${m[2] === '1' ? '上半年' : '下半年'}`;
      }
      break;
    case 'year-end':
      if ((m = /^(\d{4})$/.exec(period))) {
        lastDay = `${m[1]}-12-31`;
        label = `${m[1]}年度`;
      }
      break;
  }
  return lastDay ? { period, lastDay, label } : null;
}
