/** The only source of "now" in the application. Tests replace it with a FixedClock they can move. */
export abstract class Clock {
  abstract now(): Date;
  nowIso(): string {
    return this.now().toISOString();
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that stands still until told to move; used by tests and the benchmark. */
export class FixedClock extends Clock {
  constructor(private current: Date = new Date()) {
    super();
  }
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/**
 * The drill clock (演练时钟), for demos, training and integration runs: the service started with
 * DUBAN_CLOCK=manual stamps every event from this clock, which an admin moves forward only
 * (`POST /clock { at }`). It starts at the real time (or the last instant it was moved to, kept in
 * DATA_DIR/drill-clock so a restart never moves it back). Never the default.
 */
export class ManualClock extends FixedClock {
  readonly manual = true;
  constructor(
    start: Date = new Date(),
    private readonly persist: (at: string) => void = () => {},
  ) {
    super(start);
  }
  /** Moves the clock to `at`; false (nothing changes) when `at` is before the clock. */
  moveTo(at: Date | string): boolean {
    const target = new Date(at);
    if (Number.isNaN(target.getTime()) || target.getTime() < this.now().getTime()) return false;
    super.set(target);
    this.persist(target.toISOString());
    return true;
  }
  /** The drill clock never goes back, even when a test or tool asks. */
  override set(at: Date | string): void {
    if (!this.moveTo(at)) throw new Error(`the drill clock only moves forward (now ${this.nowIso()}, asked ${String(at)})`);
  }
}

export function isManualClock(clock: Clock): clock is ManualClock {
  return (clock as Partial<ManualClock>).manual === true;
}
