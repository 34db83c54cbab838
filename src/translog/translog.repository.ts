import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';
import type { SubtreeKey } from './merkle-tree.js';

export interface PendingEvent {
  id: number;
  task_id: string;
  seq: number;
  hash: string;
  recorded_at: string;
}

export interface LeafRow {
  log_index: number;
  event_id: number;
  task_id: string;
  seq: number;
  leaf_hash: string;
  sequenced_at: string;
}

export interface HeadRow {
  tree_size: number;
  root_hash: string;
  timestamp: string;
  public_key: string;
  signature: string;
}

export interface WitnessRow {
  id: number;
  tree_size: number;
  witness_key: string;
  signature: string;
  received_at: string;
  received_by: string;
}

/** Rows per multi-row INSERT (6 values each: well under either database's parameter limit). */
const CHUNK = 500;

/** The transparency log's tables: the only SQL of src/translog. */
@Injectable()
export class TranslogRepository {
  constructor(private readonly db: DatabaseService) {}

  get dialect(): 'sqlite' | 'postgres' {
    return this.db.dialect;
  }

  transaction<T>(fn: () => Promise<T>, readOnly = false): Promise<T> {
    return this.db.transaction(fn, readOnly ? { readOnly: true } : undefined);
  }

  /** PostgreSQL: one sequencer at a time across instances, until the transaction ends. */
  async lockSequencer(): Promise<void> {
    if (this.db.dialect === 'postgres') await this.db.run('SELECT pg_advisory_xact_lock(?)', 0x6c6f67); // "log"
  }

  async size(): Promise<number> {
    const max = await this.db.value<number | null>('SELECT max(log_index) FROM audit_log_leaves');
    return max === null || max === undefined ? 0 : max + 1;
  }

  async maxEventId(): Promise<number> {
    return (await this.db.value<number | null>('SELECT max(event_id) FROM audit_log_leaves')) ?? 0;
  }

  /** Events without a leaf, in id order, from `fromId` on (the caller looks back a little on PostgreSQL). */
  async pending(fromId: number, limit: number): Promise<PendingEvent[]> {
    return await this.db.all<PendingEvent>(
      `SELECT e.id, e.task_id, e.seq, e.hash, e.recorded_at FROM task_events e
        WHERE e.id > ? AND NOT EXISTS (SELECT 1 FROM audit_log_leaves l WHERE l.event_id = e.id)
        ORDER BY e.id LIMIT ?`,
      fromId,
      limit,
    );
  }

  /** The hashes of complete subtrees (level 0: leaves), in the order asked; a missing one is undefined. */
  async subtrees(keys: readonly SubtreeKey[]): Promise<(string | undefined)[]> {
    if (!keys.length) return [];
    const leaves = keys.filter((k) => k.level === 0).map((k) => k.index);
    const nodes = keys.filter((k) => k.level > 0);
    const found = new Map<string, string>();
    if (leaves.length) {
      const rows = await this.db.all<{ i: number; h: string }>(
        `SELECT log_index AS i, leaf_hash AS h FROM audit_log_leaves WHERE log_index IN (${leaves.map(() => '?').join(',')})`,
        ...leaves,
      );
      for (const r of rows) found.set(`0:${r.i}`, r.h);
    }
    if (nodes.length) {
      const where = nodes.map(() => '(level = ? AND idx = ?)').join(' OR ');
      const rows = await this.db.all<{ l: number; i: number; h: string }>(
        `SELECT level AS l, idx AS i, hash AS h FROM audit_log_nodes WHERE ${where}`,
        ...nodes.flatMap((k) => [k.level, k.index]),
      );
      for (const r of rows) found.set(`${r.l}:${r.i}`, r.h);
    }
    return keys.map((k) => found.get(`${k.level}:${k.index}`));
  }

  async insertLeaves(rows: LeafRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK);
      await this.db.run(
        `INSERT INTO audit_log_leaves (log_index, event_id, task_id, seq, leaf_hash, sequenced_at) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        ...part.flatMap((r) => [r.log_index, r.event_id, r.task_id, r.seq, r.leaf_hash, r.sequenced_at]),
      );
    }
  }

  async insertNodes(rows: { level: number; idx: number; hash: string }[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK);
      await this.db.run(
        `INSERT INTO audit_log_nodes (level, idx, hash) VALUES ${part.map(() => '(?, ?, ?)').join(', ')}`,
        ...part.flatMap((r) => [r.level, r.idx, r.hash]),
      );
    }
  }

  async leafAt(index: number): Promise<LeafRow | undefined> {
    return await this.db.one<LeafRow>('SELECT * FROM audit_log_leaves WHERE log_index = ?', index);
  }

  async leafOfEvent(eventId: number): Promise<LeafRow | undefined> {
    return await this.db.one<LeafRow>('SELECT * FROM audit_log_leaves WHERE event_id = ?', eventId);
  }

  async leafOfTaskSeq(taskId: string, seq: number): Promise<LeafRow | undefined> {
    return await this.db.one<LeafRow>('SELECT * FROM audit_log_leaves WHERE task_id = ? AND seq = ?', taskId, seq);
  }

  async eventExists(t: { eventId?: number; taskId?: string; seq?: number }): Promise<boolean> {
    const id =
      t.eventId !== undefined
        ? await this.db.value('SELECT id FROM task_events WHERE id = ?', t.eventId)
        : await this.db.value('SELECT id FROM task_events WHERE task_id = ? AND seq = ?', t.taskId, t.seq);
    return id !== undefined && id !== null;
  }

  async eventOf(eventId: number): Promise<PendingEvent | undefined> {
    return await this.db.one<PendingEvent>('SELECT id, task_id, seq, hash, recorded_at FROM task_events WHERE id = ?', eventId);
  }

  /** Every leaf in log order with its event's fields as they are now (null when the event is gone). */
  iterateLeavesWithEvents(): AsyncIterable<LeafRow & { e_task_id: string | null; e_seq: number | null; e_hash: string | null; e_recorded_at: string | null }> {
    return this.db.iterate(
      `SELECT l.*, e.task_id AS e_task_id, e.seq AS e_seq, e.hash AS e_hash, e.recorded_at AS e_recorded_at
         FROM audit_log_leaves l LEFT JOIN task_events e ON e.id = l.event_id ORDER BY l.log_index`,
    );
  }

  iterateNodes(): AsyncIterable<{ level: number; idx: number; hash: string }> {
    return this.db.iterate('SELECT level, idx, hash FROM audit_log_nodes ORDER BY level, idx');
  }

  /** Events that have no leaf, recorded before `before`. */
  async unsequencedBefore(before: string, limit: number): Promise<PendingEvent[]> {
    return await this.db.all<PendingEvent>(
      `SELECT e.id, e.task_id, e.seq, e.hash, e.recorded_at FROM task_events e
        WHERE e.recorded_at < ? AND NOT EXISTS (SELECT 1 FROM audit_log_leaves l WHERE l.event_id = e.id) ORDER BY e.id LIMIT ?`,
      before,
      limit,
    );
  }

  async latestHead(): Promise<HeadRow | undefined> {
    return await this.db.one<HeadRow>('SELECT * FROM audit_tree_heads ORDER BY tree_size DESC LIMIT 1');
  }

  async head(size: number): Promise<HeadRow | undefined> {
    return await this.db.one<HeadRow>('SELECT * FROM audit_tree_heads WHERE tree_size = ?', size);
  }

  async heads(): Promise<HeadRow[]> {
    return await this.db.all<HeadRow>('SELECT * FROM audit_tree_heads ORDER BY tree_size');
  }

  async headPage(limit: number, offset: number): Promise<{ rows: HeadRow[]; total: number }> {
    const rows = await this.db.all<HeadRow>('SELECT * FROM audit_tree_heads ORDER BY tree_size DESC LIMIT ? OFFSET ?', limit, offset);
    return { rows, total: (await this.db.value<number>('SELECT count(*) FROM audit_tree_heads')) ?? 0 };
  }

  async insertHead(h: HeadRow): Promise<void> {
    await this.db.run(
      'INSERT INTO audit_tree_heads (tree_size, root_hash, timestamp, public_key, signature) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tree_size) DO NOTHING',
      h.tree_size,
      h.root_hash,
      h.timestamp,
      h.public_key,
      h.signature,
    );
  }

  async witnesses(size: number): Promise<WitnessRow[]> {
    return await this.db.all<WitnessRow>('SELECT * FROM audit_witness_signatures WHERE tree_size = ? ORDER BY id', size);
  }

  async allWitnesses(): Promise<WitnessRow[]> {
    return await this.db.all<WitnessRow>('SELECT * FROM audit_witness_signatures ORDER BY id');
  }

  /** Returns false when this witness already countersigned this head. */
  async insertWitness(w: Omit<WitnessRow, 'id'>): Promise<boolean> {
    const { changes } = await this.db.run(
      'INSERT INTO audit_witness_signatures (tree_size, witness_key, signature, received_at, received_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tree_size, witness_key) DO NOTHING',
      w.tree_size,
      w.witness_key,
      w.signature,
      w.received_at,
      w.received_by,
    );
    return changes > 0;
  }
}
