import { Injectable, Optional } from '@nestjs/common';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { AppConfig } from '../../config/app.config.js';
import { DomainError } from '../common/domain-error.js';
import {
  calendarGaps,
  dueInstant,
  IcsFormatError,
  loadWorkingCalendar,
  parseIcsWithReport,
  warnInstant,
  type CalendarEntry,
  type CalendarGap,
  type IcsIssue,
  type WorkingCalendar,
} from './calendar/index.js';

interface ImportedCalendars {
  imports: { source: string; importedAt: string; entries: CalendarEntry[] }[];
}

export interface CalendarImportReport {
  source: string;
  years: number[];
  holidays: number;
  workdays: number;
  skipped: IcsIssue[];
  warnings: IcsIssue[];
}

/**
 * What a due day means (docs/architecture.md rule 2, issue 3): due at 23:59:59.000 of the due day in the plan's
 * timezone; the warn (yellow) time is 00:00 of the working day N working days before the due day, by the
 * Chinese working-day calendar (weekends, statutory holidays, make-up working days): the years shipped in
 * config/calendars, replaced year by year by any ICS imported into DATA_DIR/calendars/imported.json.
 */
@Injectable()
export class DeadlinesService {
  private calendarCache: WorkingCalendar | undefined;

  constructor(@Optional() private readonly config?: AppConfig) {}

  private get importsFile(): string | undefined {
    return this.config ? join(this.config.DUBAN_DATA_DIR, 'calendars', 'imported.json') : undefined;
  }

  private readImports(): ImportedCalendars {
    const file = this.importsFile;
    if (!file || !existsSync(file)) return { imports: [] };
    return JSON.parse(readFileSync(file, 'utf8')) as ImportedCalendars;
  }

  get calendar(): WorkingCalendar {
    this.calendarCache ??= this.buildCalendar();
    return this.calendarCache;
  }

  private buildCalendar(): WorkingCalendar {
    let cal = loadWorkingCalendar();
    for (const imp of this.readImports().imports) cal = cal.merge(imp.entries, { source: imp.source, mode: 'replaceYears' });
    return cal;
  }

  /**
   * The years among `years` with no holiday calendar, shipped or imported ("2019 年无节假日历，按周末计算").
   * Read afresh, not from the cache: another instance of this service (another module, another process)
   * may have imported an ICS since this one cached its calendar.
   */
  calendarGaps(years: Iterable<number>): CalendarGap[] {
    return calendarGaps(this.buildCalendar(), years);
  }

  /**
   * Import an ICS calendar (e.g. the State Council notice as published by a calendar service): every year
   * it touches replaces that year's days. Kept in the data directory, so it survives restarts. Node times
   * already stored are not moved; new nodes and extensions use the new calendar.
   */
  importIcs(text: string, source: string, importedAt: string): CalendarImportReport {
    let parsed: ReturnType<typeof parseIcsWithReport>;
    try {
      parsed = parseIcsWithReport(text);
    } catch (e) {
      if (e instanceof IcsFormatError) throw DomainError.validation([{ field: 'file', reason: e.message }]);
      throw e;
    }
    if (!parsed.entries.length) throw DomainError.validation([{ field: 'file', reason: 'no holiday or make-up working day found' }]);
    const file = this.importsFile;
    if (!file) throw new Error('importing a calendar needs the data directory');
    const all = this.readImports();
    all.imports.push({ source, importedAt, entries: parsed.entries });
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(all, null, 1));
    renameSync(`${file}.tmp`, file);
    this.calendarCache = undefined;
    return {
      source,
      years: [...new Set(parsed.entries.map((e) => Number(e.date.slice(0, 4))))].sort(),
      holidays: parsed.entries.filter((e) => e.kind === 'holiday').length,
      workdays: parsed.entries.filter((e) => e.kind === 'workday').length,
      skipped: parsed.skipped,
      warnings: parsed.warnings,
    };
  }

  dueAt(dueDate: string, timezone: string): string {
    return dueInstant(dueDate, timezone);
  }

  /** An explicit warn day (start of that day), or N working days before the due day. */
  warnAt(dueDate: string, timezone: string, workingDaysBefore: number, warnDate?: string): string {
    if (warnDate) return warnInstant(warnDate, 0, this.calendar, timezone);
    return warnInstant(dueDate, workingDaysBefore, this.calendar, timezone);
  }

  /** End of the N-th working day after the day of `atIso` (in the plan's timezone): a review's deadline. */
  reviewDueAt(atIso: string, timezone: string, workingDays: number): string {
    const day = DateTime.fromISO(atIso, { zone: 'utc' }).setZone(timezone).toISODate()!;
    return dueInstant(this.calendar.addWorkingDays(day, workingDays), timezone);
  }
}
