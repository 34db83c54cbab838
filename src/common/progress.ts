import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longest stretch of work between two turns of the event loop (other requests are answered in between). */
export const SLICE_MS = 8;

/**
 * Where a long operation (a close, a sweep, an import commit, a verify) reports how far it is and gives
 * the event loop back: `step()` after each unit of work counts it and, once SLICE_MS has passed since the
 * last turn, yields (setImmediate), so requests queued meanwhile are answered — even while the operation
 * holds a transaction open (the database seam lets their reads through, src/database/README.md).
 */
export class Progress {
  phase: string | null = null;
  done = 0;
  total = 0;
  private lastTurn = performance.now();

  /** `sliceMs: Infinity` never yields (the benchmark's one-turn baseline). */
  constructor(
    private readonly onChange?: (p: Progress) => void,
    private readonly sliceMs = SLICE_MS,
  ) {}

  /** A new phase of `total` units (done starts again at 0). */
  begin(phase: string, total: number): void {
    this.phase = phase;
    this.done = 0;
    this.total = total;
    this.onChange?.(this);
  }

  /** `n` more units done; yields to the event loop when the time slice is used up. */
  async step(n = 1): Promise<void> {
    this.done += n;
    if (performance.now() - this.lastTurn >= this.sliceMs) {
      this.onChange?.(this);
      await nextTurn();
      this.lastTurn = performance.now();
    }
  }

  /** Yield now if the slice is used up, without counting anything. */
  async breathe(): Promise<void> {
    await this.step(0);
  }
}
