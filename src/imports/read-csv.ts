/**
 * RFC 4180 CSV → grid. Rules: fields separated by commas (or semicolons when the first line has more of
 * them and no commas); a field in double quotes may hold commas, newlines and doubled quotes (`""`);
 * CRLF, LF or CR end a record; a UTF-8 BOM is dropped (decoding happens before, see read-text.ts).
 * A quote that opens inside an unquoted field is kept literally (lenient, like spreadsheet programs);
 * an unterminated quoted field is an error reported at the line where it opened.
 */
import { problem, type Grid, type GridRow } from './grid.js';
import { coded } from './problem-catalogue.js';

export function readCsv(text: string): Grid {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.slice(0, src.search(/\r|\n/) >= 0 ? src.search(/\r|\n/) : src.length);
  const delim = !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';

  const rows: GridRow[] = [];
  const grid: Grid = { source: 'csv', rows, sheetName: null, problems: [] };
  let line = 1;
  let i = 0;
  let recordLine = 1;
  let cells: GridRow['cells'] = [];
  let field = '';
  let fieldLine = 1;
  let quoted = false;
  let quoteOpenLine = 0;

  const endField = () => {
    cells.push({ value: field, row: fieldLine, col: cells.length + 1 });
    field = '';
    fieldLine = line;
  };
  const endRecord = () => {
    endField();
    rows.push({ row: recordLine, endRow: line, cells });
    cells = [];
  };

  while (i < src.length) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        field += '\n';
        i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
        line++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      quoteOpenLine = line;
      i++;
      continue;
    }
    if (ch === delim) {
      endField();
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      fieldLine = line;
      continue;
    }
    field += ch;
    i++;
  }
  if (quoted) {
    grid.problems.push(
      problem(coded('file.quote-unclosed'), 'error', 'a quoted field is never closed (missing ")', { row: quoteOpenLine, column: cells.length + 1 }),
    );
  }
  if (field !== '' || cells.length > 0) endRecord();
  return grid;
}
