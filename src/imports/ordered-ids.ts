import { randomBytes } from 'node:crypto';

/**
 * Ids for what an import creates: UUIDs in the version 7 layout (time-ordered: 48-bit milliseconds, then a
 * counter, then random bits), so a bulk import appends to the primary-key and (task_id, seq) indexes
 * instead of splitting pages all over them. Still unique across processes (62 random bits per id).
 */
export class OrderedIds {
  private n = 0;
  /** Random bytes drawn 32 KiB at a time (one randomBytes call per id cost more than the rest of the id). */
  private pool = Buffer.alloc(0);
  private poolAt = 0;
  constructor(private readonly startMs: number) {}

  next(): string {
    const i = this.n++;
    const ms = (this.startMs + Math.floor(i / 4096)).toString(16).padStart(12, '0');
    const counter = (i % 4096).toString(16).padStart(3, '0');
    if (this.poolAt + 8 > this.pool.length) {
      this.pool = randomBytes(8 * 4096);
      this.poolAt = 0;
    }
    const r = this.pool.subarray(this.poolAt, this.poolAt + 8);
    this.poolAt += 8;
    r[0] = (r[0]! & 0x3f) | 0x80; // RFC 9562 variant
    const rand = r.toString('hex');
    return `${ms.slice(0, 8)}-${ms.slice(8)}-7${counter}-${rand.slice(0, 4)}-${rand.slice(4)}`;
  }
}
