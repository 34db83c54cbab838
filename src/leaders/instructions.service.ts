import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../audit/event-hash.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { PlansService } from '../plans/plans.service.js';
import { InstructionsRepository, type InstructionRow } from './instructions.repository.js';

export const INSTRUCTION_KINDS = ['praise', 'criticism', 'instruction'] as const;
export type InstructionKind = (typeof INSTRUCTION_KINDS)[number];
export const KIND_ZH: Record<InstructionKind, string> = { praise: '表扬', criticism: '批评', instruction: '指示' };

export interface InstructionView {
  id: string;
  planId: string;
  seq: number;
  unitId: string;
  taskId: string | null;
  kind: InstructionKind;
  kindLabel: string;
  text: string;
  by: { userId: string; name: string };
  at: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);
const READ_ALL = new Set(['admin', 'supervisor', 'auditor', 'leader', 'system']);

const toView = (r: InstructionRow): InstructionView => ({
  id: r.id,
  planId: r.plan_id,
  seq: r.seq,
  unitId: r.unit_id,
  taskId: r.task_id,
  kind: r.kind as InstructionKind,
  kindLabel: KIND_ZH[r.kind as InstructionKind] ?? r.kind,
  text: r.text,
  by: { userId: r.by_user_id, name: r.by_name },
  at: r.at,
  hash: r.hash,
});

/** What the hash covers: every field but the hash itself, the previous hash included. */
export function instructionHash(r: Omit<InstructionRow, 'hash'>): string {
  return sha256Hex(canonicalJson(r));
}

/**
 * Leaders' 批示: a leader records praise, criticism or an instruction on a unit of the plan, or on one of
 * its tasks. Each is appended (never edited) with the plan's next sequence number and chained to the one
 * before; the unit reads its own, the office, auditors and leaders read all.
 */
@Injectable()
export class InstructionsService {
  constructor(
    private readonly repo: InstructionsRepository,
    private readonly plans: PlansService,
    private readonly clock: Clock,
  ) {}

  async record(planId: string, dto: { unitId?: string; taskId?: string; kind: InstructionKind; text: string }, actor: Actor): Promise<InstructionView> {
    await this.plans.get(planId);
    if (!actor.userId) throw DomainError.forbidden('a 批示 is recorded from a leader’s own account', { role: actor.role });
    let unitId = dto.unitId;
    if (dto.taskId) {
      const t = await this.repo.taskOf(dto.taskId);
      if (!t || t.plan_id !== planId) throw DomainError.validation([{ field: 'taskId', reason: `no task ${dto.taskId} in plan ${planId}` }]);
      if (unitId && unitId !== t.unit_id)
        throw DomainError.validation([{ field: 'unitId', reason: 'belongs to another task: leave it out or give the task’s own unit' }]);
      unitId = t.unit_id;
    }
    if (!unitId) throw DomainError.validation([{ field: 'unitId', reason: 'required (or give taskId)' }]);
    const target: string = unitId;
    if (!(await this.repo.unitInPlan(planId, target)))
      throw DomainError.validation([{ field: 'unitId', reason: `unit ${unitId} is in no group and has no task in plan ${planId}` }]);
    const byName: string = (await this.repo.displayName(actor.userId)) ?? actor.username ?? actor.userId;
    return await this.repo.transaction(async () => {
      const head = await this.repo.head(planId);
      const row: Omit<InstructionRow, 'hash'> = {
        id: randomUUID(),
        plan_id: planId,
        seq: (head?.seq ?? 0) + 1,
        unit_id: target,
        task_id: dto.taskId ?? null,
        kind: dto.kind,
        text: dto.text.trim(),
        by_user_id: actor.userId!,
        by_name: byName,
        at: this.clock.nowIso(),
        prev_hash: head?.hash ?? GENESIS,
      };
      const full = { ...row, hash: instructionHash(row) };
      await this.repo.insert(full);
      return toView(full);
    });
  }

  async list(planId: string, q: { unitId?: string }, actor: Actor): Promise<InstructionView[]> {
    await this.plans.get(planId);
    if (READ_ALL.has(actor.role)) return (await this.repo.list(planId, q.unitId)).map(toView);
    if (actor.role === 'department' && actor.unitId) {
      if (q.unitId && q.unitId !== actor.unitId) return [];
      return (await this.repo.list(planId, actor.unitId)).map(toView);
    }
    throw DomainError.forbidden(`role ${actor.role} may not read leaders' instructions`, { role: actor.role });
  }

  /** Re-hash the plan's 批示 in order: the chain holds, or the first broken sequence number. */
  async verify(planId: string): Promise<{ count: number; intact: boolean; brokenAtSeq: number | null }> {
    const rows = await this.repo.all(planId);
    let prev = GENESIS;
    for (const { hash, ...rest } of rows) {
      if (rest.prev_hash !== prev || instructionHash(rest) !== hash) return { count: rows.length, intact: false, brokenAtSeq: rest.seq };
      prev = hash;
    }
    return { count: rows.length, intact: true, brokenAtSeq: null };
  }
}
