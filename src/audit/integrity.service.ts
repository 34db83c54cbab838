import { Progress } from '../common/progress.js';
import { Injectable } from '@nestjs/common';
import { hash as digest } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { Clock } from '../common/clock.js';
import { DatabaseService } from '../database/database.service.js';
import { EvidenceService } from '../evidence/evidence.service.js';
import { AuditRepository, toStoredEvent, toStoredTask, type CheckpointPlanRow, type CheckpointRow, type EvidenceRow } from './audit.repository.js';
import { ChainChecker, type CitedFile, type IntegrityBreak, type SealedHead } from './chain-check.js';
import { CHECKPOINT_GENESIS, checkpointHash, SealedState, type EvidenceEntry, type HeadEntry } from './checkpoint-digest.js';
import { CheckpointSigner, verifyCheckpointSignature } from './checkpoint-signer.js';
import { replayHistory } from './replay.js';
import { nodesProjectionProblems } from './nodes-check.js';
import { LogVerifier } from '../translog/log-verify.js';
import { TranslogService, type TreeHead } from '../translog/translog.service.js';
import { AppConfig } from '../../config/app.config.js';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import { scoringFactsOf } from '../tasks/scoring-facts.js';
import { viewOf, type VersionedSnapshot } from '../../workflows/task/index.js';

/** Calendar days of checkpoints follow Beijing time, like the plans. */
export const CHECKPOINT_ZONE = 'Asia/Shanghai';

export interface CheckpointSummary {
  seq: number;
  day: string;
  createdAt: string;
  createdBy: string;
  taskCount: number;
  eventCount: number;
  evidenceCount: number;
  prevHash: string;
  /** The root to publish: it commits to every earlier checkpoint and every sealed head. */
  hash: string;
  publicKey: string;
  signature: string;
  plans: { planId: string; root: string; taskCount: number; eventCount: number; evidenceCount: number }[];
}

export interface CheckpointResult {
  created: boolean;
  checkpoint: CheckpointSummary | null;
  /** Problems found while sealing. Broken chains and bad files are left out of the seal (their last good head stays). */
  breaks: IntegrityBreak[];
  /** The transparency log's signed tree head taken with it (every event logged so far). */
  treeHead?: TreeHead;
}

export interface VerifyOptions {
  planId?: string;
  /** Also replay every task and compare with what was recorded (default false here; the CLI turns it on). */
  replay?: boolean;
  /** Hash every evidence file (default true). */
  evidence?: boolean;
  /** A root published earlier: it must be in the checkpoint chain. */
  root?: string;
  /** Where verify reports how far it is (phases chains, evidence, replay) and yields to the event loop (a verify job). */
  progress?: Progress;
}

export interface VerifyReport {
  ok: boolean;
  checkedAt: string;
  planId: string | null;
  counts: {
    tasks: number;
    events: number;
    evidenceFiles: number;
    evidenceBytes: number;
    checkpoints: number;
    replayed: number;
    logLeaves?: number;
    treeHeads?: number;
    witnesses?: number;
  };
  /** The latest checkpoint and, with a plan, that plan's root in it. */
  root: { checkpointSeq: number; createdAt: string; hash: string; publicKey: string; planRoot: string | null } | null;
  breaks: IntegrityBreak[];
  durationMs: number;
}

interface Sealed {
  state: SealedState;
  byTask: Map<string, SealedHead[]>;
  latest: CheckpointRow | null;
  count: number;
  hashes: Set<string>;
  plansOfLatest: CheckpointPlanRow[];
}

export function summarize(c: CheckpointRow, plans: CheckpointPlanRow[]): CheckpointSummary {
  return {
    seq: c.seq,
    day: c.day,
    createdAt: c.created_at,
    createdBy: c.created_by,
    taskCount: c.task_count,
    eventCount: c.event_count,
    evidenceCount: c.evidence_count,
    prevHash: c.prev_hash,
    hash: c.hash,
    publicKey: c.public_key,
    signature: c.signature,
    plans: plans.map((p) => ({ planId: p.plan_id, root: p.root, taskCount: p.task_count, eventCount: p.event_count, evidenceCount: p.evidence_count })),
  };
}

const BREAK_ORDER = (a: IntegrityBreak, b: IntegrityBreak) =>
  (a.taskId ?? '').localeCompare(b.taskId ?? '') || (a.seq ?? 0) - (b.seq ?? 0) || (a.fileId ?? '').localeCompare(b.fileId ?? '');

/**
 * Integrity: walks every task's hash chain, the checkpoint chain and every evidence file; takes signed
 * checkpoints that seal every task's head and every file's sha256, so a deleted task, a truncated or
 * rewritten history, or a replaced file is caught even when the attacker fixed the chain itself.
 */
@Injectable()
export class IntegrityService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly evidence: EvidenceService,
    private readonly signer: CheckpointSigner,
    private readonly deadlines: DeadlinesService,
    private readonly config: AppConfig,
    private readonly logVerifier: LogVerifier,
    private readonly translog: TranslogService,
  ) {}

  /** Load every checkpoint, check their chain, hashes, roots and signatures, and accumulate the sealed state. */
  private async loadSealed(breaks: IntegrityBreak[]): Promise<Sealed> {
    const cps = await this.repo.checkpoints();
    const planRows = await this.repo.checkpointPlans();
    const heads = await this.repo.sealedHeads();
    const files = await this.repo.sealedEvidence();
    const state = new SealedState();
    const byTask = new Map<string, SealedHead[]>();
    const hashes = new Set<string>();
    const currentKey = cps.length ? this.signer.publicKey() : null;
    let otherKey = 0;
    let prev = CHECKPOINT_GENESIS;
    let hi = 0;
    let fi = 0;
    let pi = 0;
    let plansOfLatest: CheckpointPlanRow[] = [];
    const cpBreak = (c: CheckpointRow, message: string, extra: Partial<IntegrityBreak> = {}) =>
      breaks.push({ kind: 'checkpoint-chain', checkpointSeq: c.seq, message: `checkpoint #${c.seq}: ${message}`, ...extra });
    for (const [i, c] of cps.entries()) {
      if (c.seq !== i + 1) cpBreak(c, `expected checkpoint #${i + 1} here: checkpoints are missing`, { expected: i + 1, actual: c.seq });
      if (c.prev_hash !== prev) cpBreak(c, 'does not link to the checkpoint before it', { expected: prev, actual: c.prev_hash });
      for (; hi < heads.length && heads[hi].checkpointSeq <= c.seq; hi++) {
        const h = heads[hi];
        state.addHead(h, c.seq);
        let list = byTask.get(h.taskId);
        if (!list) byTask.set(h.taskId, (list = []));
        list.push({ seq: h.seq, hash: h.hash, checkpointSeq: h.checkpointSeq });
      }
      for (; fi < files.length && files[fi].checkpointSeq <= c.seq; fi++) state.addEvidence(files[fi], c.seq);
      const stored: CheckpointPlanRow[] = [];
      for (; pi < planRows.length && planRows[pi].checkpoint_seq <= c.seq; pi++) if (planRows[pi].checkpoint_seq === c.seq) stored.push(planRows[pi]);
      const roots = state.planRoots();
      const storedRoot = new Map(stored.map((p) => [p.plan_id, p.root]));
      for (const r of roots) {
        if (storedRoot.get(r.planId) !== r.root) {
          cpBreak(c, `the root of plan ${r.planId} does not match the heads and files it seals`, {
            planId: r.planId,
            expected: r.root,
            actual: storedRoot.get(r.planId) ?? null,
          });
        }
      }
      for (const p of stored) if (!roots.some((r) => r.planId === p.plan_id)) cpBreak(c, `lists plan ${p.plan_id} that seals nothing`, { planId: p.plan_id });
      const recomputed = checkpointHash({
        prevHash: c.prev_hash,
        seq: c.seq,
        createdAt: c.created_at,
        plans: stored.map((p) => ({ planId: p.plan_id, root: p.root })),
      });
      if (recomputed !== c.hash) cpBreak(c, 'its stored hash does not match its fields', { expected: recomputed, actual: c.hash });
      if (!verifyCheckpointSignature(c.public_key, c.hash, c.signature)) cpBreak(c, 'the signature does not verify');
      if (c.public_key !== currentKey) otherKey++;
      hashes.add(c.hash);
      prev = c.hash;
      plansOfLatest = stored;
    }
    if (hi < heads.length || fi < files.length) {
      breaks.push({ kind: 'checkpoint-chain', message: `sealed rows refer to checkpoint #${(heads[hi] ?? files[fi]).checkpointSeq}, which does not exist` });
    }
    if (otherKey) {
      breaks.push({
        kind: 'checkpoint-key',
        message: `${otherKey} checkpoint(s) were signed by another key than this installation's (from ${this.signer.keySource})`,
      });
    }
    return { state, byTask, latest: cps.at(-1) ?? null, count: cps.length, hashes, plansOfLatest };
  }

  /** Hash one file's bytes; null when missing. */
  private fileDigest(sha256: string): { sha256: string; size: number } | null {
    const path = this.evidence.pathOf(sha256);
    if (!existsSync(path)) return null;
    const bytes = readFileSync(path);
    return { sha256: digest('sha256', bytes, 'hex'), size: bytes.length };
  }

  private checkFiles(rows: EvidenceRow[], breaks: IntegrityBreak[]): { ok: Set<string>; bytes: number } {
    const bySha = new Map<string, { sha256: string; size: number } | null>();
    const ok = new Set<string>();
    let bytes = 0;
    for (const r of rows) {
      if (!bySha.has(r.sha256)) bySha.set(r.sha256, this.fileDigest(r.sha256));
      const d = bySha.get(r.sha256)!;
      const where = { fileId: r.id, taskId: r.task_id, ...(r.plan_id ? { planId: r.plan_id } : {}) };
      if (!d) {
        breaks.push({
          kind: 'evidence-missing',
          ...where,
          expected: r.sha256,
          message: `evidence file ${r.id}: its bytes are gone from ${this.evidence.pathOf(r.sha256)}`,
        });
      } else if (d.sha256 !== r.sha256 || d.size !== r.size) {
        breaks.push({
          kind: 'evidence-replaced',
          ...where,
          expected: r.sha256,
          actual: d.sha256,
          message: `evidence file ${r.id}: the bytes at ${this.evidence.pathOf(r.sha256)} hash to ${d.sha256} (${d.size} bytes), not the recorded ${r.sha256} (${r.size} bytes): the file was replaced`,
        });
      } else {
        ok.add(r.id);
        bytes += d.size;
      }
    }
    return { ok, bytes };
  }

  /** Sealed evidence rows must still be there, unchanged. */
  private checkSealedFiles(sealed: Sealed, rows: Map<string, EvidenceRow>, planId: string | undefined, breaks: IntegrityBreak[]): void {
    for (const [fileId, e] of sealed.state.evidence) {
      if (planId !== undefined && e.planId !== planId) continue;
      const r = rows.get(fileId);
      const where = { fileId, taskId: e.taskId, planId: e.planId, checkpointSeq: e.checkpointSeq };
      if (!r)
        breaks.push({ kind: 'evidence-row', ...where, message: `evidence file ${fileId} was sealed in checkpoint #${e.checkpointSeq} but its row is gone` });
      else if (r.sha256 !== e.sha256 || r.size !== e.size || r.task_id !== e.taskId) {
        breaks.push({
          kind: 'evidence-row',
          ...where,
          expected: e.sha256,
          actual: r.sha256,
          message: `evidence file ${fileId}: its row differs from what checkpoint #${e.checkpointSeq} sealed`,
        });
      }
    }
  }

  /** The refusal verify meets first (an unknown plan never sealed), checked before a verify job is written. */
  async assertVerifiable(planId: string | undefined): Promise<void> {
    if (planId === undefined || (await this.repo.plan(planId)) || (await this.repo.sealedPlan(planId))) return;
    throw DomainError.validation([{ field: 'planId', reason: `plan ${planId} does not exist and no checkpoint ever sealed it` }]);
  }

  async verify(o: VerifyOptions = {}): Promise<VerifyReport> {
    const t0 = performance.now();
    const progress = o.progress ?? new Progress();
    return await this.repo.read(async () => {
      const breaks: IntegrityBreak[] = [];
      const sealed = await this.loadSealed(breaks);
      if (o.planId !== undefined && !(await this.repo.plan(o.planId)) && !sealed.state.planIds().includes(o.planId)) {
        // Unknown and never sealed: say so rather than "no breaks in 0 tasks". (A sealed plan whose row is gone is verified: its tasks show as missing.)
        throw DomainError.validation([{ field: 'planId', reason: `plan ${o.planId} does not exist and no checkpoint ever sealed it` }]);
      }
      const tasks = await this.repo.taskHeads(o.planId);
      const taskMap = new Map(tasks.map((t) => [t.id, t]));
      const seen = new Set<string>();
      const cited: { taskId: string; seq: number; fileIds: string[]; files: CitedFile[] }[] = [];
      const sealedOf = (id: string) => sealed.byTask.get(id);
      const checker = new ChainChecker({
        sealedHeads: sealedOf,
        planOf: (id) => taskMap.get(id)?.plan_id ?? sealed.state.heads.get(id)?.planId,
        onFilesCited: o.evidence === false ? undefined : (taskId, seq, fileIds, files) => cited.push({ taskId, seq, fileIds, files }),
        onTaskEnd: (tail) => {
          seen.add(tail.taskId);
          const row = taskMap.get(tail.taskId);
          if (!row) {
            breaks.push({
              kind: 'orphan-events',
              taskId: tail.taskId,
              message: `${tail.events} event(s) of task ${tail.taskId} remain but the task row is gone`,
            });
          } else if (row.last_seq !== tail.lastSeq || row.last_hash !== tail.lastHash) {
            breaks.push({
              kind: 'head-mismatch',
              taskId: row.id,
              planId: row.plan_id,
              seq: tail.lastSeq,
              expected: row.last_seq,
              actual: tail.lastSeq,
              message: `the task row says its history ends at #${row.last_seq}, but the last stored event is #${tail.lastSeq}${row.last_seq === tail.lastSeq ? ' with another hash' : ''}`,
            });
          }
        },
      });
      progress.begin('chains', tasks.length);
      let lastTask: string | undefined;
      for await (const r of this.repo.iterateEventTuples(o.planId)) {
        checker.push(r);
        // One step per task (events come task by task); the yield lets other requests in (their reads use the reader connection).
        if (r[0] !== lastTask) {
          lastTask = r[0] as string;
          await progress.step();
        }
      }
      checker.finish();
      breaks.push(...checker.breaks);
      for (const t of tasks) {
        if (seen.has(t.id)) continue;
        breaks.push({ kind: 'no-history', taskId: t.id, planId: t.plan_id, seq: 1, message: `task ${t.id} has no events at all` });
        const s = sealedOf(t.id)?.at(-1);
        if (s)
          breaks.push({
            kind: 'truncated',
            taskId: t.id,
            planId: t.plan_id,
            seq: 1,
            checkpointSeq: s.checkpointSeq,
            expected: s.seq,
            actual: 0,
            message: `checkpoint #${s.checkpointSeq} sealed its history up to #${s.seq}; nothing is left`,
          });
      }
      for (const [taskId, h] of sealed.state.heads) {
        if (taskMap.has(taskId) || (o.planId !== undefined && h.planId !== o.planId)) continue;
        breaks.push({
          kind: 'task-missing',
          taskId,
          planId: h.planId,
          seq: h.seq,
          checkpointSeq: h.checkpointSeq,
          message: `task ${taskId} (plan ${h.planId}) was sealed in checkpoint #${h.checkpointSeq} with ${h.seq} event(s) and no longer exists: the whole task was deleted`,
        });
      }
      if (sealed.latest) {
        for (const t of tasks) {
          if (!sealed.state.heads.has(t.id) && t.created_at < sealed.latest.created_at) {
            breaks.push({
              kind: 'not-in-checkpoint',
              taskId: t.id,
              planId: t.plan_id,
              checkpointSeq: sealed.latest.seq,
              message: `task ${t.id} is dated ${t.created_at}, before checkpoint #${sealed.latest.seq} (${sealed.latest.created_at}), but that checkpoint does not know it`,
            });
          }
        }
      }
      let evidenceFiles = 0;
      let evidenceBytes = 0;
      if (o.evidence !== false) {
        progress.begin('evidence', 1);
        const rows = await this.repo.evidenceRows(o.planId);
        const byId = new Map(rows.map((r) => [r.id, r]));
        evidenceFiles = rows.length;
        evidenceBytes = this.checkFiles(rows, breaks).bytes;
        this.checkSealedFiles(sealed, byId, o.planId, breaks);
        await progress.step();
        for (const c of cited) {
          for (const id of c.fileIds) {
            const r = byId.get(id);
            const named = c.files.find((x) => x.id === id);
            if (r && r.task_id === c.taskId && named && (named.sha256 !== r.sha256 || Number(named.size) !== Number(r.size))) {
              breaks.push({
                kind: 'evidence-row',
                taskId: c.taskId,
                planId: r.plan_id ?? undefined,
                seq: c.seq,
                fileId: id,
                expected: named.sha256,
                actual: r.sha256,
                message: `event #${c.seq} submitted evidence file ${id} with sha256 ${named.sha256} (${named.size} bytes), but its row now says ${r.sha256} (${r.size} bytes): the file was replaced`,
              });
              continue;
            }
            if (r && r.task_id === c.taskId) continue;
            breaks.push({
              kind: 'evidence-row',
              taskId: c.taskId,
              planId: taskMap.get(c.taskId)?.plan_id,
              seq: c.seq,
              fileId: id,
              message: r
                ? `event #${c.seq} cites evidence file ${id}, which now belongs to task ${r.task_id}`
                : `event #${c.seq} cites evidence file ${id}, whose row is gone`,
            });
          }
        }
      }
      let replayed = 0;
      if (o.replay) {
        progress.begin('replay', tasks.length);
        for (const t of tasks) {
          await progress.step();
          if (!seen.has(t.id)) continue;
          const task = (await this.repo.task(t.id))!;
          const r = replayHistory((await this.repo.events(t.id)).map(toStoredEvent), toStoredTask(task), { keepSteps: false });
          replayed++;
          if (!r.ok) {
            const d = r.divergence!;
            breaks.push({
              kind: 'replay',
              taskId: t.id,
              planId: t.plan_id,
              ...(d.seq !== null ? { seq: d.seq } : {}),
              message: `replay diverges (${d.kind}): ${d.message}`,
            });
          } else {
            const derived = r.snapshot ? await this.derivedColumnsProblem(t.id, r.snapshot, task.state) : undefined;
            if (derived) breaks.push({ kind: 'replay', taskId: t.id, planId: t.plan_id, message: `replay diverges (query-columns): ${derived}` });
            const zone = r.snapshot ? await this.db.value<string>('SELECT timezone FROM plans WHERE id = ?', t.plan_id) : undefined;
            for (const p of r.snapshot && zone ? nodesProjectionProblems(r.snapshot, await this.repo.nodeRows(t.id), zone) : []) {
              breaks.push({ kind: 'nodes-projection', taskId: t.id, planId: t.plan_id, message: `the nodes table differs from the task's snapshot: ${p}` });
            }
          }
        }
      }
      // The transparency log is one tree over every plan: checked whole, when no plan is named.
      const log = o.planId === undefined ? await this.logVerifier.verify(breaks) : null;
      if (o.root !== undefined && !sealed.hashes.has(o.root)) {
        breaks.push({
          kind: 'root-unknown',
          expected: o.root,
          message: `the root ${o.root} is not the hash of any checkpoint in the chain: checkpoints were removed or rewritten`,
        });
      }
      const latest = sealed.latest;
      const planRoot = o.planId && latest ? (sealed.plansOfLatest.find((p) => p.plan_id === o.planId)?.root ?? null) : null;
      return {
        ok: breaks.length === 0,
        checkedAt: this.clock.nowIso(),
        planId: o.planId ?? null,
        counts: {
          tasks: tasks.length,
          events: checker.events,
          evidenceFiles,
          evidenceBytes,
          checkpoints: sealed.count,
          replayed,
          ...(log ? { logLeaves: log.leaves, treeHeads: log.heads, witnesses: log.witnesses } : {}),
        },
        root: latest ? { checkpointSeq: latest.seq, createdAt: latest.created_at, hash: latest.hash, publicKey: latest.public_key, planRoot } : null,
        breaks: breaks.sort(BREAK_ORDER),
        durationMs: performance.now() - t0,
      };
    });
  }

  /**
   * Seal the current heads and files in a new signed checkpoint. Each task whose head moved since the last
   * checkpoint has its chain walked first; a broken chain keeps its last good head and is reported, and so
   * is a file that does not hash right. Nothing changed since the last checkpoint: no new one.
   */
  async checkpoint(actor: Actor): Promise<CheckpointResult> {
    // Every event into the transparency log (a full catch-up) and a signed tree head over them, first.
    await this.translog.sequence({ catchUp: true });
    const treeHead = await this.translog.signHead();
    return { ...(await this.sealCheckpoint(actor)), treeHead };
  }

  private async sealCheckpoint(actor: Actor): Promise<CheckpointResult> {
    return await this.db.transaction(async () => {
      const breaks: IntegrityBreak[] = [];
      const sealed = await this.loadSealed(breaks);
      const tasks = await this.repo.taskHeads();
      const newHeads: HeadEntry[] = [];
      for (const t of tasks) {
        const old = sealed.state.heads.get(t.id);
        if (old && old.seq === t.last_seq && old.hash === t.last_hash && old.planId === t.plan_id) continue;
        const own: IntegrityBreak[] = [];
        let tail: { lastSeq: number; lastHash: string } | null = null;
        const checker = new ChainChecker({ sealedHeads: (id) => sealed.byTask.get(id), planOf: () => t.plan_id, onTaskEnd: (x) => (tail = x) });
        for (const r of await this.repo.eventTuplesOf(t.id)) checker.push(r);
        checker.finish();
        own.push(...checker.breaks);
        const end = tail as { lastSeq: number; lastHash: string } | null;
        if (!end) own.push({ kind: 'no-history', taskId: t.id, planId: t.plan_id, message: `task ${t.id} has no events at all` });
        else if (end.lastSeq !== t.last_seq || end.lastHash !== t.last_hash) {
          own.push({
            kind: 'head-mismatch',
            taskId: t.id,
            planId: t.plan_id,
            seq: end.lastSeq,
            message: `the task row's head (#${t.last_seq}) is not the chain's last event (#${end.lastSeq})`,
          });
        }
        if (own.length) breaks.push(...own);
        else newHeads.push({ taskId: t.id, planId: t.plan_id, seq: t.last_seq, hash: t.last_hash });
      }
      const ids = new Set(tasks.map((t) => t.id));
      for (const [taskId, h] of sealed.state.heads) {
        if (!ids.has(taskId))
          breaks.push({
            kind: 'task-missing',
            taskId,
            planId: h.planId,
            checkpointSeq: h.checkpointSeq,
            message: `task ${taskId} was sealed in checkpoint #${h.checkpointSeq} and no longer exists`,
          });
      }
      const rows = await this.repo.evidenceRows();
      this.checkSealedFiles(sealed, new Map(rows.map((r) => [r.id, r])), undefined, breaks);
      const fresh = rows.filter((r) => {
        const s = sealed.state.evidence.get(r.id);
        return r.plan_id !== null && (!s || s.sha256 !== r.sha256 || s.size !== r.size || s.taskId !== r.task_id);
      });
      const { ok } = this.checkFiles(fresh, breaks);
      const newFiles: EvidenceEntry[] = fresh
        .filter((r) => ok.has(r.id) && !sealed.state.evidence.has(r.id))
        .map((r) => ({ fileId: r.id, taskId: r.task_id, planId: r.plan_id!, sha256: r.sha256, size: r.size }));
      const latest = sealed.latest;
      if (!newHeads.length && !newFiles.length) {
        return { created: false, checkpoint: latest ? summarize(latest, sealed.plansOfLatest) : null, breaks: breaks.sort(BREAK_ORDER) };
      }
      const seq = (latest?.seq ?? 0) + 1;
      for (const h of newHeads) sealed.state.addHead(h, seq);
      for (const f of newFiles) sealed.state.addEvidence(f, seq);
      const roots = sealed.state.planRoots();
      const createdAt = this.clock.nowIso();
      const prevHash = latest?.hash ?? CHECKPOINT_GENESIS;
      const hash = checkpointHash({ prevHash, seq, createdAt, plans: roots });
      const { publicKey, signature } = this.signer.sign(hash);
      const plans: CheckpointPlanRow[] = roots.map((r) => {
        const heads = sealed.state.headsOfPlan(r.planId);
        return {
          checkpoint_seq: seq,
          plan_id: r.planId,
          root: r.root,
          task_count: heads.length,
          event_count: heads.reduce((n, h) => n + h.seq, 0),
          evidence_count: sealed.state.evidenceOfPlan(r.planId).length,
        };
      });
      const row: CheckpointRow = {
        seq,
        day: DateTime.fromISO(createdAt).setZone(CHECKPOINT_ZONE).toISODate()!,
        created_at: createdAt,
        created_by: actor.username ?? actor.userId ?? actor.role,
        task_count: sealed.state.heads.size,
        event_count: plans.reduce((n, p) => n + p.event_count, 0),
        evidence_count: sealed.state.evidence.size,
        prev_hash: prevHash,
        hash,
        public_key: publicKey,
        signature,
      };
      await this.repo.insertCheckpoint(row, plans, newHeads, newFiles);
      return { created: true, checkpoint: summarize(row, plans), breaks: breaks.sort(BREAK_ORDER) };
    });
  }

  /** Today's date for checkpoints (Beijing time). */
  today(): string {
    return DateTime.fromISO(this.clock.nowIso()).setZone(CHECKPOINT_ZONE).toISODate()!;
  }

  async latest(): Promise<CheckpointSummary | null> {
    const c = await this.repo.latestCheckpoint();
    return c ? summarize(c, await this.repo.checkpointPlans(c.seq)) : null;
  }

  async list(limit: number, offset: number): Promise<{ items: CheckpointSummary[]; total: number }> {
    const { rows, total } = await this.repo.checkpointPage(limit, offset);
    const items: CheckpointSummary[] = [];
    for (const c of rows) items.push(summarize(c, await this.repo.checkpointPlans(c.seq)));
    return { items, total };
  }

  /** What an export carries about the latest checkpoint: for a plan, every sealed head and file of it. */
  async sealedForExport(scope: { planId: string; taskId?: string }): Promise<Record<string, unknown> | null> {
    const breaks: IntegrityBreak[] = [];
    const sealed = await this.loadSealed(breaks);
    const c = sealed.latest;
    if (!c) return null;
    const heads = scope.taskId ? [sealed.state.heads.get(scope.taskId)].filter((h): h is NonNullable<typeof h> => !!h) : sealed.state.headsOfPlan(scope.planId);
    const planRow = sealed.plansOfLatest.find((p) => p.plan_id === scope.planId);
    return {
      record: 'checkpoint',
      seq: c.seq,
      createdAt: c.created_at,
      prevHash: c.prev_hash,
      hash: c.hash,
      publicKey: c.public_key,
      signature: c.signature,
      plans: sealed.plansOfLatest.map((p) => ({ planId: p.plan_id, root: p.root })),
      planId: scope.planId,
      planRoot: planRow?.root ?? null,
      complete: !scope.taskId,
      heads: heads.map((h) => ({ taskId: h.taskId, seq: h.seq, hash: h.hash })),
      evidence: scope.taskId
        ? []
        : sealed.state.evidenceOfPlan(scope.planId).map((e) => ({ fileId: e.fileId, taskId: e.taskId, sha256: e.sha256, size: e.size })),
    };
  }

  /**
   * The query columns the replay does not derive itself, checked once the snapshot is known to be the replay's,
   * by the write path's own rules: `scoring_facts` (when kept, machine v2) must be the facts of that snapshot,
   * and `review_due_at` the review window the last `evidence.submit` opened (DUBAN_REVIEW_WORKING_DAYS working
   * days of the calendar in force) while a node awaits review (v2: a node submitted, the task active; v1: the
   * task submitted), null otherwise. Returns what differs, or undefined.
   */
  private async derivedColumnsProblem(taskId: string, snap: VersionedSnapshot, state: string): Promise<string | undefined> {
    const row = await this.db.one<{ review_due_at: string | null; scoring_facts: string | null; timezone: string }>(
      'SELECT t.review_due_at, t.scoring_facts, p.timezone FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = ?',
      taskId,
    );
    if (!row) return undefined;
    const problems: string[] = [];
    if (snap.version === 2 && row.scoring_facts !== null && scoringFactsOf(snap.snapshot.context) !== row.scoring_facts) {
      problems.push('scoring_facts is not the facts of the stored snapshot');
    }
    const awaitingReview =
      snap.version === 2
        ? snap.snapshot.context.nodes.some((n) => n.status === 'submitted') && viewOf(snap.snapshot).state === 'active'
        : state === 'submitted';
    let expected: string | null = null;
    if (awaitingReview) {
      const at = await this.db.value<string>(
        "SELECT occurred_at FROM task_events WHERE task_id = ? AND type = 'evidence.submit' ORDER BY seq DESC LIMIT 1",
        taskId,
      );
      expected = at ? this.deadlines.reviewDueAt(at, row.timezone, this.config.DUBAN_REVIEW_WORKING_DAYS) : null;
    }
    if (row.review_due_at !== expected)
      problems.push(`review_due_at is ${row.review_due_at ?? 'null'}, the last submission's review window gives ${expected ?? 'null'}`);
    return problems.length ? problems.join('; ') : undefined;
  }
}
