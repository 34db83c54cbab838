/**
 * The facts each scoring method reads, who can supply them, and how entered facts are checked.
 *
 * - `factFields(method, points)`: every fact the method reads, with its 中文 label, type and range, whether the
 *   score is provisional without it, and who supplies it: the `workflow` (the task's nodes and approvals),
 *   the `assessor` (考核主体, at approval or afterwards) or the `office` (考核办). Every required fact has
 *   at least one supplier, so no score stays provisional for want of a way in.
 * - `validateFacts(method, facts, { points, enteredBy })`: facts entered by an assessor or the office
 *   (政策影响额, sub-indicator values, sub-item results, counts, points) → the cleaned facts, or problems
 *   naming the field (`subValues.gdp.actual`, `subItems.k2`).
 * - `missingFacts(method, points, facts)`: the required facts not yet supplied — the fields a page can ask for.
 * - `factSources(method, points, facts, provenance)`: which facts a score used, with who entered them and when.
 */
import { Checker } from './checker.js';
import { INPUT_LABELS } from './input-labels.js';
import { METHOD_NAMES, type MethodSpec } from './method-params.js';
import type { FieldError, Validated } from './scoring.error.js';
import type { TaskFacts } from './types.js';

export type FactSupplier = 'workflow' | 'assessor' | 'office';

export interface FactField {
  /** Path in TaskFacts: 'actual', 'policyAdjustment', 'subValues.gdp.actual', 'subItems.k2'. */
  field: string;
  label: string;
  /** number: any finite; count: whole ≥ 0; points: within [min, max]; boolean; result: true / false / points within [0, max]. */
  type: 'number' | 'count' | 'points' | 'boolean' | 'result';
  min?: number;
  max?: number;
  /** Strictly above `min` (a target that divides). */
  minExclusive?: boolean;
  /** Without it the score is provisional (it counts as 0 / not done). */
  required: boolean;
  by: FactSupplier[];
  /** A field that completes the score instead of this one (completedItems for missedItems). */
  alternative?: string;
}

const WORKFLOW: FactSupplier[] = ['workflow'];
const ASSESSOR: FactSupplier[] = ['assessor'];
const ASSESSOR_OR_OFFICE: FactSupplier[] = ['assessor', 'office'];
/** A reviewed value: the workflow has it once evidence with a value is approved; the assessor may enter or correct it. */
const REVIEWED: FactSupplier[] = ['workflow', 'assessor', 'office'];
const TARGET: FactSupplier[] = ['office'];

const fieldCache = new WeakMap<MethodSpec, Map<number, FactField[]>>();

/** Every fact `method` reads, in the order a form would ask for them. */
export function factFields(method: MethodSpec, points: number): FactField[] {
  let byPoints = fieldCache.get(method);
  if (!byPoints) fieldCache.set(method, (byPoints = new Map()));
  let list = byPoints.get(points);
  if (!list) byPoints.set(points, (list = buildFields(method, points)));
  return list;
}

function buildFields(method: MethodSpec, points: number): FactField[] {
  const f: FactField[] = [];
  switch (method.code) {
    case 'ratio': {
      const p = method.params;
      if (p.subIndicators) {
        for (const s of p.subIndicators) {
          f.push({ field: `subValues.${s.key}.actual`, label: `${s.name}：完成值`, type: 'number', required: true, by: ASSESSOR_OR_OFFICE });
          f.push({
            field: `subValues.${s.key}.target`,
            label: `${s.name}：目标值`,
            type: 'number',
            min: 0,
            minExclusive: s.direction === 'higher',
            required: s.target === undefined,
            by: TARGET,
          });
        }
        break;
      }
      f.push({
        field: 'target',
        label: INPUT_LABELS.target,
        type: 'number',
        min: 0,
        minExclusive: p.direction === 'higher',
        required: p.target === undefined,
        by: TARGET,
      });
      f.push({ field: 'actual', label: INPUT_LABELS.actual, type: 'number', required: true, by: REVIEWED });
      if (p.policyAdjustment)
        f.push({ field: 'policyAdjustment', label: INPUT_LABELS.policyAdjustment, type: 'number', required: true, by: ASSESSOR_OR_OFFICE });
      if (p.assessorPoints)
        f.push({
          field: 'assessorPoints',
          label: INPUT_LABELS.assessorPoints,
          type: 'points',
          min: 0,
          max: p.assessorPointsMax ?? points,
          required: true,
          by: ASSESSOR,
        });
      break;
    }
    case 'all_or_nothing':
      f.push({ field: 'completed', label: INPUT_LABELS.completed, type: 'boolean', required: true, by: WORKFLOW });
      break;
    case 'direct': {
      const p = method.params;
      switch (p.mode) {
        case 'per_missed_item':
          f.push({
            field: 'missedItems',
            label: INPUT_LABELS.missedItems,
            type: 'count',
            ...(p.items !== undefined ? { max: p.items } : {}),
            required: true,
            by: ASSESSOR_OR_OFFICE,
            ...(p.items !== undefined ? { alternative: 'completedItems' } : {}),
          });
          if (p.items !== undefined)
            f.push({ field: 'completedItems', label: INPUT_LABELS.completedItems, type: 'count', max: p.items, required: false, by: REVIEWED });
          break;
        case 'per_occurrence':
          f.push({ field: 'occurrences', label: INPUT_LABELS.occurrences, type: 'count', required: true, by: REVIEWED });
          break;
        case 'threshold_linear':
          f.push({ field: 'actual', label: INPUT_LABELS.actual, type: 'number', required: true, by: REVIEWED });
          break;
        case 'sub_items':
          for (const it of p.items)
            f.push({
              field: `subItems.${it.key}`,
              label: `${it.name}：完成情况`,
              type: 'result',
              min: 0,
              max: it.points,
              required: true,
              by: ASSESSOR_OR_OFFICE,
            });
          break;
        case 'assessor':
          f.push({ field: 'assessorPoints', label: INPUT_LABELS.assessorPoints, type: 'points', min: 0, max: points, required: true, by: ASSESSOR });
          break;
      }
      break;
    }
    case 'node_platform':
      f.push({ field: 'nodes', label: INPUT_LABELS.nodes, type: 'count', required: true, by: WORKFLOW });
      f.push({ field: 'redNodes', label: INPUT_LABELS.redNodes, type: 'count', required: true, by: WORKFLOW, alternative: 'redNodeDeductions' });
      break;
    case 'node_deduction':
      f.push({ field: 'redNodes', label: INPUT_LABELS.redNodes, type: 'count', required: true, by: WORKFLOW, alternative: 'redNodeDeductions' });
      break;
    case 'efficacy':
      f.push({ field: 'actual', label: INPUT_LABELS.actual, type: 'number', required: true, by: REVIEWED });
      break;
  }
  return f;
}

/** The value at a fact path ('subValues.gdp.actual'), or undefined; null counts as absent. */
export function factAt(facts: TaskFacts, field: string): unknown {
  const dot = field.indexOf('.');
  if (dot < 0) return (facts as Record<string, unknown>)[field] ?? undefined;
  const head = field.slice(0, dot);
  const container = (facts as Record<string, unknown>)[head];
  if (container === null || typeof container !== 'object') return undefined;
  if (head === 'subValues') {
    const rest = field.slice(dot + 1);
    const last = rest.lastIndexOf('.');
    const entry = (container as Record<string, Record<string, unknown> | undefined>)[rest.slice(0, last)];
    return entry?.[rest.slice(last + 1)] ?? undefined;
  }
  return (container as Record<string, unknown>)[field.slice(dot + 1)] ?? undefined;
}

export interface MissingFact {
  field: string;
  label: string;
  by: FactSupplier[];
  alternative?: string;
}

/**
 * The required facts `facts` does not have yet: what completes the score (empty = the score is final as far
 * as facts go). Agrees with `scoreIndicator(…).missing` (tested as a property).
 */
export function missingFacts(method: MethodSpec, points: number, facts: TaskFacts): MissingFact[] {
  const out: MissingFact[] = [];
  const fields = factFields(method, points);
  for (const f of fields) {
    if (!f.required || factAt(facts, f.field) !== undefined) continue;
    if (f.alternative !== undefined && factAt(facts, f.alternative) !== undefined) continue;
    if (method.code === 'node_platform' && f.field === 'redNodes' && facts.nodes === 0) continue; // no node can be red
    const m: MissingFact = { field: f.field, label: f.label, by: f.by };
    if (f.alternative !== undefined) m.alternative = f.alternative;
    out.push(m);
  }
  return out;
}

export interface ValidateFactsOptions {
  /** The indicator's points (ranges of assessor points and sub-items). */
  points: number;
  /** Who is entering: fields they cannot supply (e.g. the workflow's node counts) are refused. */
  enteredBy?: 'assessor' | 'office';
}

/**
 * Checks facts entered for an indicator scored by `method`. Unknown fields, fields this method does not
 * read, fields the enterer cannot supply, wrong types and out-of-range values are refused, each naming the
 * field. `null` clears a fact (kept as null). Returns the facts as given when they are all valid.
 */
export function validateFacts(method: MethodSpec, raw: unknown, opts: ValidateFactsOptions): Validated<TaskFacts> {
  const c = new Checker();
  if (!c.isObject(raw)) return { ok: false, errors: c.errors };
  const fields = factFields(method, opts.points);
  const byPath = new Map(fields.map((f) => [f.field, f]));
  const tops = new Set(fields.map((f) => f.field.split('.')[0]));
  const methodName = METHOD_NAMES[method.code];
  const out: Record<string, unknown> = {};

  for (const [key, value] of Object.entries(raw)) {
    if (!tops.has(key)) {
      const known = [...tops].join(', ');
      c.fail(key, 'not_used', `${methodName}${modeOf(method)} does not use ${key}${known ? ` (it reads: ${known})` : ''}`);
      continue;
    }
    if (key === 'subValues' || key === 'subItems') {
      if (value === null) {
        out[key] = null;
        continue;
      }
      if (!c.at(key).isObject(value)) continue;
      const inner: Record<string, unknown> = {};
      for (const [sub, v] of Object.entries(value)) {
        const path = `${key}.${sub}`;
        if (key === 'subItems') {
          const f = byPath.get(path);
          if (!f) {
            c.fail(path, 'unknown', `no sub-item "${sub}" (sub-items: ${subKeys(fields, 'subItems').join(', ')})`);
            continue;
          }
          if (checkValue(c, path, f, v, opts.enteredBy)) inner[sub] = v;
          continue;
        }
        if (!byPath.has(`${path}.actual`)) {
          c.fail(path, 'unknown', `no sub-indicator "${sub}" (sub-indicators: ${subKeys(fields, 'subValues').join(', ')})`);
          continue;
        }
        if (v === null) {
          inner[sub] = null;
          continue;
        }
        if (!c.at(path).isObject(v)) continue;
        const entry: Record<string, unknown> = {};
        for (const [leaf, x] of Object.entries(v)) {
          const f = byPath.get(`${path}.${leaf}`);
          if (!f) {
            c.fail(`${path}.${leaf}`, 'unknown_field', 'unknown field (allowed: actual, target)');
            continue;
          }
          if (checkValue(c, `${path}.${leaf}`, f, x, opts.enteredBy)) entry[leaf] = x;
        }
        inner[sub] = entry;
      }
      out[key] = inner;
      continue;
    }
    const f = byPath.get(key);
    if (!f) continue;
    if (checkValue(c, key, f, value, opts.enteredBy)) out[key] = value;
  }

  // cross-field: completed + missed items cannot exceed the items
  if (method.code === 'direct' && method.params.mode === 'per_missed_item' && method.params.items !== undefined) {
    const missed = out.missedItems;
    const done = out.completedItems;
    if (typeof missed === 'number' && typeof done === 'number' && missed + done !== method.params.items) {
      c.fail('missedItems', 'conflict', `${missed} missed + ${done} completed ≠ the ${method.params.items} items: give one of them`);
    }
  }
  if (!c.ok) return { ok: false, errors: c.errors };
  return { ok: true, value: out as TaskFacts };
}

function modeOf(method: MethodSpec): string {
  if (method.code === 'direct') return `（${method.params.mode}）`;
  if (method.code === 'ratio') {
    const p = method.params;
    if (p.subIndicators) return '（分项）';
    return p.policyAdjustment || p.assessorPoints ? '' : '（无政策影响额、考核主体评分）';
  }
  return '';
}

function subKeys(fields: readonly FactField[], head: string): string[] {
  const keys = fields.filter((f) => f.field.startsWith(`${head}.`)).map((f) => f.field.split('.')[1]);
  return [...new Set(keys)];
}

function checkValue(c: Checker, path: string, f: FactField, v: unknown, enteredBy: 'assessor' | 'office' | undefined): boolean {
  if (enteredBy !== undefined && !f.by.includes(enteredBy)) {
    c.fail(
      path,
      'not_enterable',
      f.by.includes('workflow') && f.by.length === 1
        ? `comes from the task's nodes and approvals; it cannot be entered`
        : `is entered by the ${f.by.join(' or ')}, not the ${enteredBy}`,
    );
    return false;
  }
  if (v === null) return true;
  const fail = (code: string, msg: string): false => {
    c.fail(path, code, msg);
    return false;
  };
  if (f.type === 'boolean') return typeof v === 'boolean' ? true : fail('type', 'must be true or false');
  if (f.type === 'result' && typeof v === 'boolean') return true;
  if (typeof v !== 'number' || !Number.isFinite(v))
    return fail('type', f.type === 'result' ? 'must be true, false or a number of points' : 'must be a finite number');
  if (f.type === 'count' && (!Number.isInteger(v) || v < 0)) return fail('integer', `must be a whole number ≥ 0 (got ${v})`);
  if (f.min !== undefined && (f.minExclusive ? v <= f.min : v < f.min)) return fail('range', `must be ${f.minExclusive ? '>' : '≥'} ${f.min} (got ${v})`);
  if (f.max !== undefined && v > f.max) return fail('range', `must be ≤ ${f.max} (got ${v})`);
  return true;
}

/** Who entered a fact and when (from the event that recorded it). */
export interface FactProvenance {
  /** User id or name; 'workflow' for facts the task's own events produced. */
  by: string;
  role?: string;
  /** ISO instant. */
  at: string;
  eventId?: string;
  note?: string;
}

/** Provenance by fact path ('policyAdjustment', 'subValues.gdp.actual'); a container path ('subValues') covers its entries. */
export type TaskProvenance = Readonly<Record<string, FactProvenance | undefined>>;

export interface FactSourceLine {
  field: string;
  label: string;
  value: number | boolean;
  by?: string;
  role?: string;
  at?: string;
  eventId?: string;
  note?: string;
}

/** The facts a score used (the method's fields that have a value), each with its provenance when known. */
export function factSources(method: MethodSpec, points: number, facts: TaskFacts, provenance: TaskProvenance | undefined): FactSourceLine[] {
  const out: FactSourceLine[] = [];
  for (const f of factFields(method, points)) {
    const v = factAt(facts, f.field);
    if (typeof v !== 'number' && typeof v !== 'boolean') continue;
    const line: FactSourceLine = { field: f.field, label: f.label, value: v };
    const p = provenance ? (provenance[f.field] ?? provenance[f.field.split('.')[0]]) : undefined;
    if (p) {
      line.by = p.by;
      if (p.role !== undefined) line.role = p.role;
      line.at = p.at;
      if (p.eventId !== undefined) line.eventId = p.eventId;
      if (p.note !== undefined) line.note = p.note;
    }
    out.push(line);
  }
  return out;
}

/** Problems as `FieldError`s prefixed by a path (e.g. `facts`), for an endpoint's 400. */
export function prefixErrors(errors: readonly FieldError[], prefix: string): FieldError[] {
  return errors.map((e) => ({ ...e, field: e.field ? `${prefix}.${e.field}` : prefix, message: `${prefix}.${e.message}` }));
}
