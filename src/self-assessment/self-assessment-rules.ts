/**
 * Pure rules of self-assessment (自评): the window, the items a unit may enter, the event chain.
 * No database, no clock: the service passes instants in.
 */
import { DateTime } from 'luxon';
import { canonicalJson, sha256Hex } from '../audit/event-hash.js';
import type { FieldProblem } from '../common/domain-error.js';

export type WindowState = 'not_set' | 'not_open' | 'open' | 'closed';

export interface WindowInstants {
  opensAt: string;
  closesAt: string;
}

/**
 * The window's instants in the plan's zone: from 00:00 of `opensOn` to 24:00 of `closesOn` (the whole
 * closing day counts, as offices write "X月X日前报送"). Problems name `opensOn` / `closesOn`.
 */
export function windowInstants(opensOn: string, closesOn: string, timezone: string): WindowInstants | FieldProblem[] {
  const open = DateTime.fromISO(opensOn, { zone: timezone });
  const close = DateTime.fromISO(closesOn, { zone: timezone });
  const problems: FieldProblem[] = [];
  if (!open.isValid) problems.push({ field: 'opensOn', reason: 'must be a date YYYY-MM-DD' });
  if (!close.isValid) problems.push({ field: 'closesOn', reason: 'must be a date YYYY-MM-DD' });
  if (problems.length) return problems;
  if (close < open) return [{ field: 'closesOn', reason: 'must not be before opensOn' }];
  return {
    opensAt: open.startOf('day').toUTC().toISO()!,
    closesAt: close.plus({ days: 1 }).startOf('day').toUTC().toISO()!,
  };
}

export function windowState(w: WindowInstants | undefined, now: string): WindowState {
  if (!w) return 'not_set';
  if (now < w.opensAt) return 'not_open';
  if (now >= w.closesAt) return 'closed';
  return 'open';
}

export interface ItemInput {
  indicatorId: string;
  /** null clears the score. */
  selfScore: number | null;
  note?: string | null;
}

export interface CarriedIndicator {
  indicatorId: string;
  code: string;
  points: number;
}

export const NOTE_MAX = 2000;

/**
 * Check entered items against what the unit carries: an indicator of its own, once; a self-score from 0
 * to the indicator's points with at most two decimals. Problems name `items[i].field`.
 */
export function itemProblems(items: readonly ItemInput[], carried: readonly CarriedIndicator[]): FieldProblem[] {
  const byId = new Map(carried.map((c) => [c.indicatorId, c]));
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  items.forEach((it, i) => {
    const c = byId.get(it.indicatorId);
    if (!c) {
      problems.push({ field: `items[${i}].indicatorId`, reason: 'not an indicator this unit carries in the plan' });
      return;
    }
    if (seen.has(it.indicatorId)) problems.push({ field: `items[${i}].indicatorId`, reason: 'listed twice' });
    seen.add(it.indicatorId);
    if (it.selfScore !== null) {
      if (typeof it.selfScore !== 'number' || !Number.isFinite(it.selfScore)) problems.push({ field: `items[${i}].selfScore`, reason: 'must be a number' });
      else if (it.selfScore < 0 || it.selfScore > c.points)
        problems.push({ field: `items[${i}].selfScore`, reason: `must be between 0 and ${c.points} (the indicator's points)` });
      else if (Math.abs(Math.round(it.selfScore * 100) - it.selfScore * 100) > 1e-6)
        problems.push({ field: `items[${i}].selfScore`, reason: 'at most two decimals' });
    }
    if (it.note != null && (typeof it.note !== 'string' || it.note.length > NOTE_MAX))
      problems.push({ field: `items[${i}].note`, reason: `must be text of at most ${NOTE_MAX} characters` });
  });
  return problems;
}

/** Indicators still without a self-score (what stops a submission). */
export function unscored(carried: readonly CarriedIndicator[], scores: ReadonlyMap<string, number | null>): CarriedIndicator[] {
  return carried.filter((c) => scores.get(c.indicatorId) == null);
}

export const GENESIS = '0'.repeat(64);

export interface ChainedFields {
  assessmentId: string;
  seq: number;
  type: string;
  payload: unknown;
  actorUserId: string | null;
  actorRole: string;
  at: string;
  prevHash: string;
}

/** sha256 of the canonical JSON of every field, the previous hash included: the assessment's events form one chain. */
export function eventHashOf(f: ChainedFields): string {
  return sha256Hex(canonicalJson(f));
}

/** The first event whose hash or link does not match, or null when the chain holds. */
export function brokenLink(events: readonly (Omit<ChainedFields, 'payload'> & { payload: string; hash: string })[]): number | null {
  let prev = GENESIS;
  for (const { hash, payload: text, ...fields } of events) {
    const payload = JSON.parse(text) as unknown;
    if (fields.prevHash !== prev || eventHashOf({ ...fields, payload }) !== hash) return fields.seq;
    prev = hash;
  }
  return null;
}

/** self − assessed, rounded to two decimals (null when either is missing). */
export function difference(self: number | null | undefined, assessed: number | null | undefined): number | null {
  if (self == null || assessed == null) return null;
  return Math.round((self - assessed) * 100) / 100;
}
