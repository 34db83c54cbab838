import { describe, expect, it } from '@jest/globals';
import { pgValues, toPostgres } from './postgres-sql.js';

describe('toPostgres', () => {
  it('numbers ? placeholders in order', () => {
    expect(toPostgres('SELECT * FROM t WHERE a = ? AND b IN (?, ?)')).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)',
      positional: 3,
      names: undefined,
    });
  });

  it('gives each @name one number, reused where the name repeats', () => {
    const st = toPostgres('SELECT * FROM t WHERE (@unit IS NULL OR u = @unit) AND p = @planId LIMIT @limit');
    expect(st.text).toBe('SELECT * FROM t WHERE ($1 IS NULL OR u = $1) AND p = $2 LIMIT $3');
    expect(st.names).toEqual(['unit', 'planId', 'limit']);
    expect(pgValues(st, [{ unit: null, planId: 'p', limit: 5, extra: 1 }], '')).toEqual([null, 'p', 5]);
  });

  it('leaves string literals, quoted names and comments alone', () => {
    const st = toPostgres(`SELECT '?' AS q, 'a@b' AS e, "x?" FROM t /* ? @c */ WHERE a = ? -- ?\n AND b = 'it''s ?'`);
    expect(st.text).toBe(`SELECT '?' AS q, 'a@b' AS e, "x?" FROM t /* ? @c */ WHERE a = $1 -- ?\n AND b = 'it''s ?'`);
    expect(st.positional).toBe(1);
  });

  it('quotes camelCase aliases wherever the statement names them, so rows keep their keys', () => {
    const st = toPostgres('SELECT t.unit_id AS unitId, count(*) AS n FROM tasks t GROUP BY unitId ORDER BY unitId');
    expect(st.text).toBe('SELECT t.unit_id AS "unitId", count(*) AS n FROM tasks t GROUP BY "unitId" ORDER BY "unitId"');
  });

  it('keeps casts and jsonb operators', () => {
    expect(toPostgres(`SELECT s #> '{a,-1}' FROM x WHERE id IN (SELECT jsonb_array_elements_text(?::jsonb))`).text).toBe(
      `SELECT s #> '{a,-1}' FROM x WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    );
  });

  it('refuses a missing named value and a wrong number of values', () => {
    expect(() => pgValues(toPostgres('SELECT @a'), [{}], 'SELECT @a')).toThrow(/Missing named parameter "a"/);
    expect(() => pgValues(toPostgres('SELECT ?'), [1, 2], 'SELECT ?')).toThrow(/Too many/);
    expect(pgValues(toPostgres('SELECT 1'), [{ limit: 1 }], 'SELECT 1')).toEqual([]);
    expect(pgValues(toPostgres('SELECT ?, ?'), [undefined, 2n], '')).toEqual([null, '2']);
  });
});
