/**
 * Scoring facts entered by a person (machine v2): the assessor with `evidence.approve { facts }`, or the
 * assessor / the office afterwards with `task.facts { facts, reason }`. The machine checks their shape only
 * (which facts an indicator's method reads is the write path's check, src/tasks/entered-facts.ts); it keeps
 * them in `context.enteredFacts` with the source of each, merged: a given value replaces, `null` clears.
 */
import type { EnteredFactSource, EnteredFactValues, EnteredFacts, FactEnterer } from './types.js';

const TOP = new Set(['policyAdjustment', 'subValues', 'subItems']);
const LEAVES = new Set(['actual', 'target']);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/** The first shape problem of `facts` as [field, 中文, English], or null. */
export function factsShapeProblem(facts: unknown): [string, string, string] | null {
  if (!isObj(facts)) return ['facts', '计分数据须为对象', 'facts must be an object'];
  for (const [k, v] of Object.entries(facts)) {
    const f = `facts.${k}`;
    if (!TOP.has(k)) return [f, `未知的计分数据：${k}`, `unknown fact ${k} (policyAdjustment, subValues, subItems)`];
    if (v === null) continue;
    if (k === 'policyAdjustment') {
      if (!num(v)) return [f, '政策影响额须为数字', 'policyAdjustment must be a finite number'];
      continue;
    }
    if (!isObj(v)) return [f, '须为以分项代码为键的对象', `${k} must be an object keyed by sub-key`];
    for (const [key, x] of Object.entries(v)) {
      const fk = `${f}.${key}`;
      if (x === null) continue;
      if (k === 'subItems') {
        if (typeof x !== 'boolean' && !num(x)) return [fk, '分项结果须为 true、false 或得分', 'a sub-item result is true, false or points'];
        continue;
      }
      if (!isObj(x)) return [fk, '分项指标值须为 { actual, target }', 'a sub-indicator value is { actual?, target? }'];
      for (const [leaf, y] of Object.entries(x)) {
        if (!LEAVES.has(leaf)) return [`${fk}.${leaf}`, `未知的字段：${leaf}`, 'unknown field (allowed: actual, target)'];
        if (y !== null && !num(y)) return [`${fk}.${leaf}`, '须为数字', 'must be a finite number'];
      }
    }
  }
  return null;
}

/** True when `facts` gives nothing (absent, or an empty object). */
export function noFacts(facts: EnteredFactValues | null | undefined): boolean {
  return facts === undefined || facts === null || Object.keys(facts).length === 0;
}

/** `current` with `given` merged in; every path given gets `source` (a cleared path loses its source). */
export function mergeFacts(
  current: EnteredFacts | undefined,
  given: EnteredFactValues,
  at: string,
  via: EnteredFactSource['via'],
  nodeSeq: number | null,
  by: FactEnterer | null | undefined,
  reason: string | null,
): EnteredFacts {
  const values: EnteredFacts['values'] = structuredClone(current?.values ?? {});
  const sources: Record<string, EnteredFactSource> = { ...(current?.sources ?? {}) };
  const source: EnteredFactSource = { at, via, nodeSeq, userId: by?.userId ?? null, role: by?.role ?? null, name: by?.name ?? null, reason };
  const drop = (prefix: string) => {
    for (const p of Object.keys(sources)) if (p === prefix || p.startsWith(`${prefix}.`)) delete sources[p];
  };
  if (given.policyAdjustment !== undefined) {
    if (given.policyAdjustment === null) {
      delete values.policyAdjustment;
      drop('policyAdjustment');
    } else {
      values.policyAdjustment = given.policyAdjustment;
      sources.policyAdjustment = source;
    }
  }
  if (given.subValues !== undefined) {
    if (given.subValues === null) {
      delete values.subValues;
      drop('subValues');
    } else {
      const subs = (values.subValues ??= {});
      for (const [key, v] of Object.entries(given.subValues)) {
        if (v === null) {
          delete subs[key];
          drop(`subValues.${key}`);
          continue;
        }
        const entry = (subs[key] ??= {});
        for (const leaf of ['actual', 'target'] as const) {
          const x = v[leaf];
          if (x === undefined) continue;
          if (x === null) {
            delete entry[leaf];
            drop(`subValues.${key}.${leaf}`);
          } else {
            entry[leaf] = x;
            sources[`subValues.${key}.${leaf}`] = source;
          }
        }
        if (Object.keys(entry).length === 0) delete subs[key];
      }
      if (Object.keys(subs).length === 0) delete values.subValues;
    }
  }
  if (given.subItems !== undefined) {
    if (given.subItems === null) {
      delete values.subItems;
      drop('subItems');
    } else {
      const items = (values.subItems ??= {});
      for (const [key, v] of Object.entries(given.subItems)) {
        if (v === null) {
          delete items[key];
          drop(`subItems.${key}`);
        } else {
          items[key] = v;
          sources[`subItems.${key}`] = source;
        }
      }
      if (Object.keys(items).length === 0) delete values.subItems;
    }
  }
  return { values, sources };
}
