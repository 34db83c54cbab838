import { describe, expect, it } from '@jest/globals';
import { csvField, csvHeader, csvRow, eventRecord, neutraliseFormula, type ExportEventRow } from './export-format.js';

const row: ExportEventRow = {
  task_id: 't1',
  seq: 2,
  type: 'evidence.submit',
  occurred_at: '2026-03-02T02:00:00.000Z',
  recorded_at: '2026-03-02T02:00:00.001Z',
  actor_user_id: null,
  actor_role: 'department',
  actor_unit_id: 'u1',
  machine_version: 1,
  state_before: '{"a":1}',
  state_after: '{"a":2}',
  payload: '{"data":{"note":"a, \\"b\\""}}',
  prev_hash: '0'.repeat(64),
  hash: 'f'.repeat(64),
};

describe('export records', () => {
  it('quotes CSV fields only when they hold a comma, quote or line break, doubling quotes; null is empty', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(3)).toBe('3');
  });

  it('writes a CSV row per event in the header’s column order, the payload text untouched inside its quotes', () => {
    expect(csvHeader().split(',')).toHaveLength(14);
    expect(csvHeader().startsWith('\uFEFFtask_id,')).toBe(true);
    const cells = csvRow(row);
    expect(cells.startsWith('t1,2,evidence.submit,2026-03-02T02:00:00.000Z,2026-03-02T02:00:00.001Z,,department,u1,1,')).toBe(true);
    expect(cells.endsWith(`,"{""data"":{""note"":""a, \\""b\\""""}}"`)).toBe(true);
  });

  it('neutralises spreadsheet formulas in the columns no hash covers, and leaves the hashed ones exactly as stored', () => {
    const evil = { ...row, actor_unit_id: '=HYPERLINK("http://x")', actor_user_id: '+1', state_before: '@SUM(A1)', actor_role: '-x' };
    const cells = csvRow(evil);
    expect(cells).toContain(`,'+1,'-x,"'=HYPERLINK(""http://x"")",1,`);
    expect(cells).toContain(`,'@SUM(A1),`);
    // The payload and the hashes are byte for byte the stored text (a formula-looking payload cannot occur: it is a JSON object).
    expect(cells.startsWith('t1,2,evidence.submit,2026-03-02T02:00:00.000Z,')).toBe(true);
    expect(cells).toContain(`,${'0'.repeat(64)},${'f'.repeat(64)},`);
    expect(neutraliseFormula(-3)).toBe(-3);
    expect(neutraliseFormula('县发改局')).toBe('县发改局');
  });

  it('keeps the stored payload as text in JSON Lines so its hash can be recomputed byte for byte', () => {
    const r = JSON.parse(eventRecord(row));
    expect(r).toMatchObject({
      record: 'event',
      taskId: 't1',
      seq: 2,
      payload: row.payload,
      prevHash: row.prev_hash,
      actor: { userId: null, role: 'department', unitId: 'u1' },
    });
  });
});
