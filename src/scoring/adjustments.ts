import { capRange, clean, fmt2, fmtNum, NeumaierSum, roundHalfUp } from './numeric.js';

/** A kind of bonus, deduction or negative-list entry, e.g. 国家级综合表彰 +1 per commendation. */
export interface AdjustmentItem {
  key: string;
  name: string;
  /** Points per occurrence; an event may carry its own points instead (required when this and `range` are absent). */
  points?: number;
  /** "加0.5—1分": no default; each event gives its points within [min, max]. Not with `points`. */
  range?: { min: number; max: number };
  /** Most points this kind can add/remove in total (e.g. 国家级领导肯定性批示 at most 0.6; "最多扣1分"). */
  cap?: number;
  /** The catalogue line as the document wrote it (kept by parseCatalogueText). */
  text?: string;
}

export interface VetoItem {
  key: string;
  name: string;
  text?: string;
}

/**
 * The plan's catalogue of adjustments applied after the composite: bonuses, deductions and the negative
 * list (负面清单), each with optional per-item caps (`cap`) and an optional section cap (`totalCap`; the
 * negative list is uncapped unless it says so), and veto items (否决项), any one of which fails the unit
 * whatever its points.
 */
export interface AdjustmentCatalog {
  bonuses: { totalCap?: number; items: AdjustmentItem[] };
  deductions: { totalCap?: number; items: AdjustmentItem[] };
  negativeList: { totalCap?: number; items: AdjustmentItem[] };
  vetoes: { items: VetoItem[] };
}

export type UnitEventType = 'bonus' | 'deduction' | 'negative_list' | 'veto';

/** One recorded bonus/deduction/negative-list/veto event of a unit. */
export interface UnitEvent {
  id?: string;
  unitId: string;
  type: UnitEventType;
  /** The catalogue item's key. */
  item: string;
  /** Points of this occurrence (≥ 0; deductions are given as positive amounts); default: the item's points. */
  points?: number | null;
  note?: string | null;
}

export interface AdjustmentLine {
  item: string;
  name: string;
  count: number;
  /** Sum of the occurrences' points before the kind's cap. */
  raw: number;
  /** Points after the kind's cap. */
  points: number;
  /** `points` rounded half-up to 2 places, as text. */
  display: string;
  cap?: number;
  capped?: { from: number; to: number };
  /** e.g. "4 × 0.3 = 1.20 > 0.6 → 0.60" */
  formula: string;
  eventIds: string[];
}

export interface AdjustmentSection {
  lines: AdjustmentLine[];
  /** Sum of the lines. */
  raw: number;
  /** After the section's total cap, if any; positive for deductions (subtracted from the total). */
  total: number;
  /** `total` rounded half-up to 2 places, as text. */
  display: string;
  totalCap?: number;
  capped?: { from: number; to: number };
  formula: string;
}

export interface VetoOutcome {
  failed: boolean;
  items: { item: string; name: string; note?: string; eventId?: string }[];
}

export interface Adjustments {
  bonus: AdjustmentSection;
  deduction: AdjustmentSection;
  negativeList: AdjustmentSection;
  veto: VetoOutcome;
  /** bonus − deduction − negative list */
  net: number;
  netDisplay: string;
}

export interface RejectedEvent {
  event: UnitEvent;
  reason: string;
}

/** Checks an event against the catalogue; returns the reason it cannot be applied, or undefined. */
export function eventProblem(catalog: AdjustmentCatalog, e: UnitEvent): string | undefined {
  const list = itemsOf(catalog, e.type);
  if (!list) return `unknown event type ${JSON.stringify(e.type)} (bonus, deduction, negative_list, veto)`;
  const item = list.find((i) => i.key === e.item);
  if (!item) return `unknown ${e.type} item "${e.item}" (known: ${list.map((i) => i.key).join(', ') || 'none'})`;
  if (e.type === 'veto') return undefined;
  const it = item as AdjustmentItem;
  const p = e.points ?? it.points;
  if (p === undefined) {
    return it.range
      ? `${e.type} item "${e.item}" gives ${fmtNum(it.range.min)}–${fmtNum(it.range.max)} points: the event must give its points`
      : `${e.type} item "${e.item}" has no default points: the event must give its points`;
  }
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 0) return `points must be a number ≥ 0 (got ${JSON.stringify(p)})`;
  if (it.range && (p < it.range.min || p > it.range.max))
    return `points ${fmtNum(p)} outside ${fmtNum(it.range.min)}–${fmtNum(it.range.max)} for ${e.type} item "${e.item}"`;
  return undefined;
}

function itemsOf(catalog: AdjustmentCatalog, type: UnitEventType): readonly (AdjustmentItem | VetoItem)[] | undefined {
  switch (type) {
    case 'bonus':
      return catalog.bonuses.items;
    case 'deduction':
      return catalog.deductions.items;
    case 'negative_list':
      return catalog.negativeList.items;
    case 'veto':
      return catalog.vetoes.items;
    default:
      return undefined;
  }
}

function section(items: readonly AdjustmentItem[], events: readonly UnitEvent[], totalCap: number | undefined): AdjustmentSection {
  const lines: AdjustmentLine[] = [];
  const byItem = new Map<string, UnitEvent[]>();
  for (const e of events) {
    const list = byItem.get(e.item);
    if (list) list.push(e);
    else byItem.set(e.item, [e]);
  }
  const raw = new NeumaierSum();
  for (const item of items) {
    const evs = byItem.get(item.key);
    if (!evs) continue;
    const acc = new NeumaierSum();
    const pts: number[] = [];
    const eventIds: string[] = [];
    let uniform = true;
    for (const e of evs) {
      const p = e.points ?? item.points ?? 0;
      if (pts.length > 0 && p !== pts[0]) uniform = false;
      pts.push(p);
      acc.add(p);
      if (e.id) eventIds.push(e.id);
    }
    const lineRaw = clean(acc.value);
    const c = item.cap === undefined ? { value: lineRaw } : capRange(lineRaw, 0, item.cap);
    const points = clean(c.value);
    let formula = uniform && pts.length > 1 ? `${pts.length} × ${fmtNum(pts[0])} = ${fmt2(lineRaw)}` : `${pts.map(fmtNum).join(' + ')} = ${fmt2(lineRaw)}`;
    if (c.capped) formula += ` > ${fmtNum(item.cap as number)} → ${fmt2(points)}`;
    const line: AdjustmentLine = { item: item.key, name: item.name, count: evs.length, raw: lineRaw, points, display: fmt2(points), formula, eventIds };
    if (item.cap !== undefined) line.cap = item.cap;
    if (c.capped) line.capped = { from: roundHalfUp(c.capped.from), to: roundHalfUp(c.capped.to) };
    lines.push(line);
    raw.add(points);
  }
  const r = clean(raw.value);
  const c = totalCap === undefined ? { value: r } : capRange(r, 0, totalCap);
  const total = clean(c.value);
  let formula = lines.length === 0 ? '0' : `${lines.map((l) => fmt2(l.points)).join(' + ')} = ${fmt2(r)}`;
  if (c.capped) formula += ` > ${fmtNum(totalCap as number)} → ${fmt2(total)}`;
  const s: AdjustmentSection = { lines, raw: r, total, display: fmt2(total), formula };
  if (totalCap !== undefined) s.totalCap = totalCap;
  if (c.capped) s.capped = { from: roundHalfUp(c.capped.from), to: roundHalfUp(c.capped.to) };
  return s;
}

/**
 * Applies a unit's events: bonuses, deductions and the negative list (each kind capped by its `cap`, then
 * the section by its `totalCap`, if set; deductions and the negative list are subtracted) and vetoes. Events that do not fit the catalogue
 * (unknown item, missing points) are returned in `rejected` and not applied.
 */
export function applyAdjustments(
  catalog: AdjustmentCatalog,
  events: readonly UnitEvent[],
  /** Deductions from outside the catalogue (constraint indicators "在总分中扣除"), added after the section's cap. */
  extraDeductions: readonly AdjustmentLine[] = [],
): { adjustments: Adjustments; rejected: RejectedEvent[] } {
  const rejected: RejectedEvent[] = [];
  const bonus: UnitEvent[] = [];
  const deduction: UnitEvent[] = [];
  const negative: UnitEvent[] = [];
  const veto: VetoOutcome = { failed: false, items: [] };
  for (const e of events) {
    const problem = eventProblem(catalog, e);
    if (problem) {
      rejected.push({ event: e, reason: problem });
      continue;
    }
    if (e.type === 'bonus') bonus.push(e);
    else if (e.type === 'deduction') deduction.push(e);
    else if (e.type === 'negative_list') negative.push(e);
    else {
      const item = catalog.vetoes.items.find((i) => i.key === e.item) as VetoItem;
      const v: VetoOutcome['items'][number] = { item: item.key, name: item.name };
      if (e.note) v.note = e.note;
      if (e.id) v.eventId = e.id;
      veto.items.push(v);
      veto.failed = true;
    }
  }
  const b = section(catalog.bonuses.items, bonus, catalog.bonuses.totalCap);
  const d = section(catalog.deductions.items, deduction, catalog.deductions.totalCap);
  if (extraDeductions.length > 0) {
    const extra = new NeumaierSum();
    for (const l of extraDeductions) extra.add(l.points);
    const sumExtra = clean(extra.value);
    const catalogue = d.lines.length > 0 ? `${d.formula}；` : '';
    d.lines.push(...extraDeductions);
    d.raw = clean(d.raw + sumExtra);
    d.total = clean(d.total + sumExtra);
    d.display = fmt2(d.total);
    d.formula = `${catalogue}约束性指标 ${extraDeductions.map((l) => l.display).join(' + ')}；合计 ${d.display}`;
  }
  const nl = section(catalog.negativeList.items, negative, catalog.negativeList.totalCap);
  const net = clean(b.total - d.total - nl.total);
  return { adjustments: { bonus: b, deduction: d, negativeList: nl, veto, net, netDisplay: fmt2(net) }, rejected };
}

/** An empty catalogue (no bonuses, deductions, negative list or vetoes). */
export function emptyCatalog(): AdjustmentCatalog {
  return { bonuses: { items: [] }, deductions: { items: [] }, negativeList: { items: [] }, vetoes: { items: [] } };
}
