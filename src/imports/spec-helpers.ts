/** Test helpers for the import specs (not a spec itself). Fixtures live in test/fixtures/imports. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from '@jest/globals';
import type { ImportModel, ImportReport, ParseImportOptions, ParseImportResult } from './model.js';
import { parseImport } from './parse-import.js';

export function fixture(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../../test/fixtures/imports/${name}`, import.meta.url)));
}

export function parseFixture(name: string, opts: ParseImportOptions): Promise<ParseImportResult> {
  return parseImport({ name, bytes: fixture(name) }, opts);
}

/** The model without anything that depends on where rows sit in the file (for "same content" checks). */
export function contentOf(model: ImportModel): unknown {
  return {
    indicators: model.indicators.map(({ sourceRows: _s, ...rest }) => rest),
    tasks: model.tasks.map(({ sourceRows: _s, nodes, ...rest }) => ({
      ...rest,
      nodes: nodes.map(({ sourceRow: _r, ...n }) => n),
    })),
    units: model.units,
    meta: { ...model.meta, source: null, sheetName: null },
  };
}

/**
 * Every row has one kind, the kinds add up to `rows`, rows are in order and never overlap, and a line
 * outside every row is blank (in the one-cell-per-line layout the blank line that opens a row is not
 * part of its range).
 */
export function expectRowsAccountedFor(report: ImportReport, file: Buffer): void {
  const c = report.counts;
  expect(c.headerRows + c.skippedHeaderRows + c.dataRows + c.continuationRows + c.blankRows + c.preambleRows + c.problemRows).toBe(c.rows);
  expect(report.rows).toHaveLength(c.rows);
  const lines = file.toString('utf8').replace(/\n$/, '').split('\n');
  const covered = new Array<boolean>(lines.length + 1).fill(false);
  let next = 1;
  for (const r of report.rows) {
    expect(r.row).toBeGreaterThanOrEqual(next);
    expect(r.endRow).toBeGreaterThanOrEqual(r.row);
    for (let l = r.row; l <= r.endRow; l++) covered[l] = true;
    next = r.endRow + 1;
  }
  const unread = lines.map((l, i) => ({ line: i + 1, text: l })).filter((l) => !covered[l.line] && l.text.trim() !== '');
  expect(unread).toEqual([]);
}

export function lineCount(buf: Buffer): number {
  const text = buf.toString('utf8');
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}
