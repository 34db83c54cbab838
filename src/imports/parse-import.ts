/**
 * `parseImport`: a file's bytes → { shape, model, report }. Pure apart from reading the bytes given:
 * no database, no clock, no network. It never throws: an unreadable or malformed file yields a report
 * whose errors say why (and an empty model).
 */
import { extname } from 'node:path';
import { IANAZone } from 'luxon';
import type {
  ImportCatalogue,
  ImportIndicator,
  ImportSectionReport,
  ImportTask,
  ImportModel,
  ImportProblem,
  ImportReport,
  ParseImportOptions,
  ParseImportResult,
  RowKind,
  ShapeName,
} from './model.js';
import { SHAPES } from './model.js';
import { isBlankRow, problem, type Grid } from './grid.js';
import { headerScore, REQUIRED_FIELDS, SHAPE_FIELDS } from './columns.js';
import { Collector, finishNodes, type ShapeContext } from './context.js';
import { isIsoDate } from './deadlines.js';
import { readCsv } from './read-csv.js';
import { decodeText, detectTextLayout, readCellLines, readTsv } from './read-text.js';
import { readXlsx } from './read-xlsx.js';
import { readDocx } from './read-docx.js';
import { readLegacySheet } from './read-legacy-sheet.js';
import JSZip from 'jszip';
import { parseNodeTable } from './shape-node-table.js';
import { parseUnitMatrix } from './shape-unit-matrix.js';
import { parseWorkReport } from './shape-work-report.js';
import { parseCommonIndicators, parseNodePlatform } from './shape-tables.js';
import { oneLine } from './text.js';
import { UnitResolver, unitKindOf } from './units.js';
import { splitSections } from './sections.js';
import { looksLikeCatalogue, parseCatalogueSection, statedCounts } from './shape-catalogue.js';
import { coded, unitMatchZh, type Coded } from './problem-catalogue.js';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
/** How many rows from the top are searched for the header. */
const HEADER_SEARCH_ROWS = 80;

const PARSERS: Record<ShapeName, (ctx: ShapeContext) => void> = {
  'node-table': parseNodeTable,
  'work-report': parseWorkReport,
  'unit-matrix': parseUnitMatrix,
  'node-platform': parseNodePlatform,
  'common-indicators': parseCommonIndicators,
};

export async function parseImport(file: { name: string; bytes: Buffer }, opts: ParseImportOptions): Promise<ParseImportResult> {
  const year = opts?.year;
  const timezone = opts?.timezone ?? DEFAULT_TIMEZONE;
  const base = { year: Number.isInteger(year) ? year : 0, timezone };
  try {
    const optionErrors = checkOptions(opts);
    if (optionErrors.length > 0) return fatal(base, null, optionErrors);

    const read = await readGrid(file);
    if ('error' in read) return fatal(base, null, [problem(readErrorCoded(read.error, file?.name ?? ''), 'error', read.error)]);
    const grid = read;
    if (grid.problems.some((p) => p.severity === 'error')) return fatal(base, grid, grid.problems);
    if (grid.rows.every(isBlankRow)) return fatal(base, grid, [...grid.problems, problem(coded('file.no-data'), 'error', 'the file holds no data')]);

    const plans = splitSections(grid, { ...(opts.shape ? { forcedShape: opts.shape } : {}), isCatalogue: looksLikeCatalogue });
    if (!plans.some((p) => p.shape !== null)) {
      const found = findHeader(grid, opts.shape);
      return fatal(base, grid, [
        ...grid.problems,
        problem(coded('file.no-header', { rows: HEADER_SEARCH_ROWS, shape: opts.shape ?? null }), 'error', 'error' in found ? found.error : 'no table found'),
      ]);
    }

    const units = new UnitResolver({
      ...(opts.knownUnits ? { knownUnits: opts.knownUnits } : {}),
      ...(opts.aliases ? { aliases: opts.aliases } : {}),
    });
    const multi = plans.length > 1;
    const kinds: Array<RowKind | undefined> = new Array(grid.rows.length).fill(undefined);
    const problems: ImportProblem[] = [...grid.problems];
    const indicators: ImportIndicator[] = [];
    const tasks: ImportTask[] = [];
    const catalogues: ImportCatalogue[] = [];
    const sections: ImportSectionReport[] = [];
    let items = 0;
    let title: string | null = null;
    let subject: string | null = opts.subject ?? null;
    let shape: ShapeName | null = null;

    for (const plan of plans) {
      const ownRows = grid.rows.slice(plan.start, plan.end);
      const firstRow = ownRows[0]?.row ?? null;
      const lastRow = ownRows[ownRows.length - 1]?.endRow ?? null;
      const problemsBefore = problems.length;
      const section: ImportSectionReport = {
        key: plan.key,
        annex: plan.annex,
        title: plan.title,
        shape: plan.shape,
        openedBy: plan.openedBy,
        rows: { from: firstRow, to: lastRow },
        headerRow: plan.headerIndex >= 0 ? grid.rows[plan.headerIndex]!.row : null,
        counts: { items: 0, indicators: 0, tasks: 0, nodes: 0, stageNodes: 0, catalogueItems: 0, errors: 0, warnings: 0 },
      };
      sections.push(section);
      const prefix = multi ? `${plan.key}/` : '';
      if (plan.shape === null) {
        ownRows.forEach((r, k) => (kinds[plan.start + k] = isBlankRow(r) ? 'blank' : 'problem'));
        problems.push(
          problem(
            coded('section.unknown-shape', { section: plan.key, from: firstRow, to: lastRow, title: plan.title ?? null }),
            'error',
            `section ${plan.key} (rows ${firstRow}–${lastRow}${plan.title ? `, "${plan.title}"` : ''}): no table of a known shape and no numbered list; nothing imported from it`,
            { row: firstRow },
          ),
        );
      } else if (plan.shape === 'catalogue') {
        const cat = parseCatalogueSection(ownRows, plan, prefix);
        cat.kinds.forEach((k, j) => (kinds[plan.start + j] = k));
        problems.push(...cat.problems);
        catalogues.push(cat.catalogue);
        section.counts.catalogueItems = cat.catalogue.items.length;
      } else {
        const sub: Grid = { ...grid, rows: plan.inheritedHeader ? [grid.rows[plan.headerIndex]!, ...ownRows] : ownRows, problems: [] };
        const off = plan.inheritedHeader ? 1 : 0;
        const index = plan.inheritedHeader ? 0 : plan.headerIndex - plan.start;
        const out = new Collector(sub);
        for (let i = off; i < index; i++) out.mark(i, isBlankRow(sub.rows[i]!) ? 'blank' : 'preamble');
        out.mark(index, 'header');
        const rowText = (r: Grid['rows'][number]) => oneLine([...new Set(r.cells.map((c) => c.value.trim()).filter((v) => v !== ''))].join(' '));
        const preamble = sub.rows
          .slice(off, index)
          .map(rowText)
          .filter((t) => t !== '');
        const sectionTitle = [...preamble].reverse().find((t) => t.length >= 6 && !/[：:]$/.test(t) && /考核|考评|任务|指标|细则|分解|目标/.test(t)) ?? null;
        if (shape === null) {
          shape = plan.shape;
          title = sectionTitle;
        }
        subject ??= detectSubject(preamble);
        const titleYear = sectionTitle?.match(/(\d{4})\s*年/)?.[1];
        if (titleYear && Number(titleYear) !== opts.year) {
          out.warn(
            coded('title.year-differs', { titleYear: Number(titleYear), year: opts.year }),
            `the title says ${titleYear} but the plan's year is ${opts.year}; dates without a year are put in ${opts.year}`,
            {
              row: sub.rows.find((r) => rowText(r) === sectionTitle)?.row ?? null,
            },
          );
        }
        const ctx: ShapeContext = {
          shape: plan.shape,
          grid: sub,
          headerIndex: index,
          year: opts.year,
          subject: opts.subject ?? detectSubject(preamble) ?? subject,
          knownUnits: opts.knownUnits ?? [],
          defaultDueDate: opts.defaultDueDate ?? `${opts.year}-12-31`,
          expandRecurring: opts.expandRecurring === true,
          units,
          out,
        };
        PARSERS[plan.shape](ctx);
        out.kinds.forEach((k, i) => {
          if (i < off) return;
          if (k === undefined) {
            out.mark(i, 'problem');
            out.error(coded('row.unclaimed'), 'row not read (internal: no rule claimed it)', { row: sub.rows[i]!.row });
          }
          kinds[plan.start + i - off] = out.kinds[i];
        });
        // a later decomposition table (十件民生实事) is its own category: its title heads its paths
        const root = plan.openedBy !== 'start' && plan.openedBy !== 'annex' && plan.shape === 'work-report' && plan.title ? plan.title : null;
        for (const ind of out.indicators) {
          const copy: ImportIndicator = { ...ind, key: prefix + ind.key, section: plan.key };
          if (root && copy.categoryPath[0] !== root) copy.categoryPath = [root, ...copy.categoryPath];
          indicators.push(copy);
        }
        for (const t of out.tasks) {
          const nodes = finishNodes(t.nodes);
          if (nodes.length === 0) {
            out.error(coded('task.no-dated-node', { task: `${prefix}${t.key}` }), `task ${prefix}${t.key} has no node with a readable date: not imported`, {
              row: t.sourceRows[0] ?? null,
            });
            continue;
          }
          tasks.push({ ...t, key: prefix + t.key, indicatorKey: prefix + t.indicatorKey, nodes });
          section.counts.tasks++;
          section.counts.nodes += nodes.length;
        }
        section.counts.stageNodes = stageNodeCount(tasks.slice(tasks.length - section.counts.tasks));
        problems.push(...out.problems);
        items += out.items;
        section.counts.items = out.items;
        section.counts.indicators = out.indicators.length;
      }
      const stated = statedCounts(ownRows);
      if (stated) {
        section.stated = stated;
        if (stated.nodes !== undefined && stated.nodes !== section.counts.stageNodes) {
          problems.push(
            problem(
              coded('section.stated-nodes', {
                section: plan.key,
                stated: stated.nodes,
                read: section.counts.stageNodes,
                text: stated.text,
                expanded: opts.expandRecurring === true,
              }),
              'warning',
              `section ${plan.key}: the document states ${stated.nodes} stage nodes ("${stated.text}") but ${section.counts.stageNodes} were read${opts.expandRecurring ? ' (recurring phrases expanded: option expandRecurring)' : ''}`,
              { row: stated.row },
            ),
          );
        }
        if (stated.tasks !== undefined && stated.tasks !== section.counts.items) {
          problems.push(
            problem(
              coded('section.stated-tasks', { section: plan.key, stated: stated.tasks, read: section.counts.items, text: stated.text }),
              'warning',
              `section ${plan.key}: the document states ${stated.tasks} tasks ("${stated.text}") but ${section.counts.items} were read`,
              { row: stated.row },
            ),
          );
        }
      }
      for (const p of problems.slice(problemsBefore)) {
        if (p.severity === 'error') section.counts.errors++;
        else section.counts.warnings++;
      }
    }

    const unitList: string[] = [];
    for (const t of tasks) if (!unitList.includes(t.unitName)) unitList.push(t.unitName);

    const model: ImportModel = {
      meta: {
        shape,
        year: opts.year,
        timezone,
        subject,
        title,
        source: grid.source,
        sheetName: grid.sheetName,
      },
      indicators,
      tasks,
      units: unitList,
      sections: sections.map((x) => ({ key: x.key, annex: x.annex, title: x.title, shape: x.shape })),
      catalogues,
    };
    const report = buildReport(grid, kinds as RowKind[], problems, model, items, units);
    report.sections = sections;
    return { shape, model, report };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return fatal(base, null, [problem(coded('import.failed'), 'error', `the import failed unexpectedly: ${message}`)]);
  }
}

function checkOptions(opts: ParseImportOptions | undefined): ImportProblem[] {
  const errs: ImportProblem[] = [];
  if (!opts || !Number.isInteger(opts.year) || opts.year < 1900 || opts.year > 2999) {
    errs.push(problem(coded('option.year'), 'error', `option year must be a four-digit year, got ${JSON.stringify(opts?.year)}`));
  }
  if (opts?.timezone !== undefined && !IANAZone.isValidZone(opts.timezone)) {
    errs.push(problem(coded('option.timezone'), 'error', `option timezone "${opts.timezone}" is not an IANA time zone`));
  }
  if (opts?.shape !== undefined && !SHAPES.includes(opts.shape)) {
    errs.push(problem(coded('option.shape'), 'error', `option shape must be one of ${SHAPES.join(', ')}, got "${String(opts.shape)}"`));
  }
  if (opts?.defaultDueDate !== undefined && !isIsoDate(opts.defaultDueDate)) {
    errs.push(problem(coded('option.default-due-date'), 'error', `option defaultDueDate must be a date YYYY-MM-DD, got "${opts.defaultDueDate}"`));
  }
  return errs;
}

/**
 * Rule (input kind): a ZIP file holding word/document.xml (or named .docx) is a Word document (tables
 * and the paragraphs between them, read-docx.ts); any other ZIP, .xlsx or .xlsm is a workbook
 * (exceljs); an OLE compound file (.xls, WPS .et/.wps spreadsheets) is read through SheetJS
 * (read-legacy-sheet.ts) — a Word .doc in it is refused with a hint; .csv is CSV; anything else is
 * text — tab-separated one row per line, or the one-cell-per-line layout (read-text.ts decides) — and a
 * text file with no tab but commas on most lines is read as CSV.
 */
export async function readGrid(file: { name: string; bytes: Buffer }): Promise<Grid | { error: string }> {
  const bytes = file?.bytes;
  if (!bytes || !Buffer.isBuffer(bytes)) return { error: 'no file content given' };
  if (bytes.length === 0) return { error: 'the file is empty' };
  const ext = extname(file.name ?? '').toLowerCase();
  const zip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  const ole = bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
  if (ole) {
    if (ext === '.doc') return { error: 'legacy Word .doc is not supported: save the document as .docx' };
    return readLegacySheet(bytes, ext === '.et' || ext === '.wps' ? 'et' : 'xls');
  }
  if (ext === '.xls' || ext === '.et' || ext === '.doc') {
    if (!zip) return { error: `the file is named ${ext} but is not an Office binary file (no OLE signature)` };
  }
  if (zip && (ext === '.docx' || (await isWordZip(bytes)))) return readDocx(bytes);
  if (zip || ext === '.xlsx' || ext === '.xlsm') return readXlsx(bytes);
  const decoded = decodeText(bytes);
  if ('error' in decoded) return decoded;
  const text = decoded.text;
  let grid: Grid;
  if (ext === '.csv') grid = readCsv(text);
  else {
    const lines = text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '');
    const tabs = lines.filter((l) => l.includes('\t')).length;
    const commas = lines.filter((l) => l.includes(',')).length;
    if (tabs === 0 && commas > lines.length / 2) grid = readCsv(text);
    else grid = detectTextLayout(text) === 'cell-lines' ? readCellLines(text) : readTsv(text);
  }
  grid.problems.unshift(...decoded.problems);
  return grid;
}

/** Distinct stage nodes per indicator (what a document counts as 阶段性指标): the same node of several units counts once. */
function stageNodeCount(tasks: ImportTask[]): number {
  const seen = new Set<string>();
  for (const t of tasks) for (const n of t.nodes) seen.add(`${t.indicatorKey}|${n.dueDate}|${n.ref ?? ''}|${n.stageTarget}`);
  return seen.size;
}

async function isWordZip(bytes: Buffer): Promise<boolean> {
  try {
    const z = await JSZip.loadAsync(bytes);
    return z.file('word/document.xml') !== null;
  } catch {
    return false;
  }
}

export function findHeader(grid: Grid, forced?: ShapeName): { shape: ShapeName; index: number } | { error: string } {
  const shapes = forced ? [forced] : SHAPES;
  let best: { shape: ShapeName; index: number; score: number } | null = null;
  const limit = Math.min(grid.rows.length, HEADER_SEARCH_ROWS);
  for (let i = 0; i < limit; i++) {
    const cells = grid.rows[i]!.cells.map((c) => c.value);
    if (cells.filter((c) => c.trim() !== '').length < 3) continue;
    for (const shape of shapes) {
      const score = headerScore(shape, cells);
      if (score > 0 && (!best || score > best.score + 1e-9)) best = { shape, index: i, score };
    }
    if (best) break;
  }
  if (best) return { shape: best.shape, index: best.index };
  const need = (s: ShapeName) =>
    REQUIRED_FIELDS[s].map((oneOf) => oneOf.map((f) => SHAPE_FIELDS[s].find((x) => x.field === f)!.names[0]).join(' or ')).join(', ');
  if (forced) {
    const other = findHeader(grid);
    const hint = 'shape' in other && other.shape !== forced ? ` (the headers look like a ${other.shape})` : '';
    return { error: `no ${forced} header found in the first ${HEADER_SEARCH_ROWS} rows: it needs the columns ${need(forced)}${hint}` };
  }
  return {
    error: `no header of a known table shape found in the first ${HEADER_SEARCH_ROWS} rows; looked for: ${SHAPES.map((s) => `${s} (${need(s)})`).join('; ')}`,
  };
}

/** Rule: the title "…对盘山县考核指标细则" / "…对X的考核" names the subject X. */
export function detectSubject(lines: string[]): string | null {
  for (const l of lines) {
    const m = l.replace(/\s+/g, '').match(/对([\u4e00-\u9fa5]{2,12}?)(?:的)?(?:年度)?(?:考核|考评|绩效)/);
    if (m) return m[1]!;
  }
  return null;
}

function emptyCounts(): ImportReport['counts'] {
  return {
    rows: 0,
    headerRows: 0,
    skippedHeaderRows: 0,
    dataRows: 0,
    continuationRows: 0,
    blankRows: 0,
    preambleRows: 0,
    problemRows: 0,
    items: 0,
    indicators: 0,
    tasks: 0,
    nodes: 0,
    perUnit: {},
    repaired: 0,
    problems: 0,
    errors: 0,
    warnings: 0,
  };
}

function buildReport(grid: Grid, kinds: RowKind[], problems: ImportProblem[], model: ImportModel, items: number, units: UnitResolver | null): ImportReport {
  const counts = emptyCounts();
  counts.rows = grid.rows.length;
  const rows = grid.rows.map((r, i) => ({ row: r.row, endRow: r.endRow, kind: kinds[i]! }));
  for (const { kind } of rows) {
    if (kind === 'header') counts.headerRows++;
    else if (kind === 'repeated-header') counts.skippedHeaderRows++;
    else if (kind === 'data') counts.dataRows++;
    else if (kind === 'continuation') counts.continuationRows++;
    else if (kind === 'blank') counts.blankRows++;
    else if (kind === 'preamble') counts.preambleRows++;
    else counts.problemRows++;
  }
  counts.items = items;
  counts.indicators = model.indicators.length;
  counts.tasks = model.tasks.length;
  for (const t of model.tasks) {
    counts.nodes += t.nodes.length;
    const u = (counts.perUnit[t.unitName] ??= { tasks: 0, nodes: 0 });
    u.tasks++;
    u.nodes += t.nodes.length;
  }
  const sorted = [...problems].sort(
    (a, b) => (a.row ?? 0) - (b.row ?? 0) || (a.column ?? 0) - (b.column ?? 0) || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
  counts.problems = sorted.length;
  counts.errors = sorted.filter((p) => p.severity === 'error').length;
  counts.warnings = counts.problems - counts.errors;
  counts.repaired = sorted.filter((p) => p.repaired !== undefined).length;
  return {
    counts,
    rows,
    unitNames: (units?.resolutions() ?? []).map((r) => ({
      raw: r.raw,
      units: r.units,
      rule: r.rule,
      ...(r.reason ? { reason: r.reason } : {}),
      message: unitMatchZh(r),
    })),
    newUnits: model.units.filter((u) => !(units?.isKnown(u) ?? false)).map((name) => ({ name, kind: unitKindOf(name) })),
    problems: sorted,
    sections: [],
  };
}

function fatal(base: { year: number; timezone: string }, grid: Grid | null, problems: ImportProblem[]): ParseImportResult {
  const model: ImportModel = {
    meta: {
      shape: null,
      year: base.year,
      timezone: base.timezone,
      subject: null,
      title: null,
      source: grid?.source ?? null,
      sheetName: grid?.sheetName ?? null,
    },
    indicators: [],
    tasks: [],
    units: [],
    sections: [],
    catalogues: [],
  };
  const kinds: RowKind[] = (grid?.rows ?? []).map((r) => (isBlankRow(r) ? 'blank' : 'problem'));
  const report = buildReport(grid ?? { source: 'tsv', rows: [], sheetName: null, problems: [] }, kinds, problems, model, 0, null);
  return { shape: null, model, report };
}

/**
 * The code of a reader's refusal. The readers return English sentences of their own (read-*.ts); they
 * are classified here, once, so the readers stay unchanged. An unrecognised sentence is `file.unreadable`.
 */
function readErrorCoded(error: string, name: string): Coded {
  const ext = extname(name).toLowerCase();
  const format = ext === '' ? '' : ext;
  if (error === 'no file content given') return coded('file.missing');
  if (error === 'the file is empty') return coded('file.empty');
  if (error.startsWith('legacy Word .doc')) return coded('file.doc-legacy');
  if (error.includes('is not an Office binary file')) return coded('file.not-office', { ext: format });
  if (error.includes('has no sheet with any value')) return coded('file.no-sheet-data');
  if (error.includes('binary (contains NUL bytes)')) return coded('file.binary');
  if (error.includes('neither UTF-8 nor GB18030')) return coded('file.encoding');
  return coded('file.unreadable', { format });
}
