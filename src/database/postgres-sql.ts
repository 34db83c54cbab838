/**
 * The seam's SQL (written for both databases, see README.md) reworded for PostgreSQL, once per distinct
 * statement:
 * - `?` placeholders (values in order) become `$1, $2, …`;
 * - `@name` placeholders (one plain object) become `$n`, one number per distinct name;
 * - camelCase output aliases (`AS unitId`) are quoted everywhere in the statement (`"unitId"`): SQLite keeps
 *   an alias's case, PostgreSQL folds unquoted names to lower case, and the code reads `row.unitId`.
 * String literals, quoted identifiers and comments are left alone. Nothing else is rewritten: where the
 * two databases need different wording, the repository says so with `db.dialect`.
 */
export interface PgStatement {
  text: string;
  /** For `@name` statements, the parameter name of each `$n` (index n − 1); undefined for `?` statements. */
  names?: string[];
  /** How many `?` placeholders the statement has. */
  positional: number;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

/** The camelCase names a statement gives its output columns (`AS fooBar`). */
function camelAliases(sql: string): Set<string> {
  const out = new Set<string>();
  for (const m of sql.matchAll(/\bAS\s+([A-Za-z_][A-Za-z0-9_]*)/gi)) {
    if (/[A-Z]/.test(m[1]) && m[1].toUpperCase() !== m[1]) out.add(m[1]);
  }
  return out;
}

export function toPostgres(sql: string): PgStatement {
  const aliases = camelAliases(sql);
  let text = '';
  let positional = 0;
  const names: string[] = [];
  const index = new Map<string, number>();
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      text += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      const end = j < 0 ? sql.length : j;
      text += sql.slice(i, end);
      i = end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      const end = j < 0 ? sql.length : j + 2;
      text += sql.slice(i, end);
      i = end;
    } else if (c === '?') {
      text += `$${++positional}`;
      i++;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      WORD.lastIndex = i + 1;
      const name = WORD.exec(sql)![0];
      let n = index.get(name);
      if (n === undefined) {
        names.push(name);
        n = names.length;
        index.set(name, n);
      }
      text += `$${n}`;
      i += 1 + name.length;
    } else if (/[A-Za-z_]/.test(c) && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? ' ')) {
      WORD.lastIndex = i;
      const word = WORD.exec(sql)![0];
      text += aliases.has(word) ? `"${word}"` : word;
      i += word.length;
    } else {
      text += c;
      i++;
    }
  }
  if (positional && names.length) throw new Error(`a statement mixes ? and @name placeholders: ${sql}`);
  return { text, names: names.length ? names : undefined, positional };
}

/** The values for a translated statement, from the arguments the seam was called with. */
export function pgValues(st: PgStatement, params: unknown[], sql: string): unknown[] {
  if (st.names) {
    const obj = params[0];
    if (params.length !== 1 || obj === null || typeof obj !== 'object') throw new TypeError(`@name placeholders take one plain object: ${sql}`);
    return st.names.map((n) => {
      if (!(n in obj)) throw new RangeError(`Missing named parameter "${n}"`);
      return pgValue((obj as Record<string, unknown>)[n]);
    });
  }
  // A statement without placeholders ignores a parameter object (better-sqlite3 does too: a query built
  // with optional conditions passes its object whether or not any condition was added).
  if (st.positional === 0 && params.length === 1 && params[0] !== null && typeof params[0] === 'object' && !Array.isArray(params[0])) return [];
  const flat = params.length === 1 && Array.isArray(params[0]) ? (params[0] as unknown[]) : params;
  if (flat.length !== st.positional) throw new RangeError(`Too ${flat.length < st.positional ? 'few' : 'many'} parameter values were provided`);
  return flat.map(pgValue);
}

/** As better-sqlite3 binds them: booleans refused there, so never seen; bigint as number; undefined as NULL. */
function pgValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  return v;
}
