import cliProgress from 'cli-progress';
import { Progress } from './progress.js';

/**
 * A cli-progress bar on stderr for a long operation (close, verify, sweep), drawn from its Progress every
 * 100 ms (the operation yields to the event loop, so the timer runs); only when stderr is a terminal.
 * Returns a Progress to hand to the operation — or watch one it made (`watch`) — and `stop`.
 */
export function cliBar(label: string): { progress: Progress; watch(p: Progress): void; stop(): void } {
  let watched = new Progress();
  if (!process.stderr.isTTY) return { progress: watched, watch: (p) => void (watched = p), stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} {phase} [{bar}] {value}/{total} {percentage}% | {duration_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | null = null;
  let started = false;
  const draw = () => {
    const p = watched;
    if (p.phase === null) return;
    if (!started || p.phase !== phase) {
      if (started) bar.stop();
      phase = p.phase;
      bar.start(Math.max(p.total, 1), p.done, { phase: p.phase.padEnd(13) });
      started = true;
    } else {
      bar.setTotal(Math.max(p.total, 1));
      bar.update(Math.min(p.done, Math.max(p.total, 1)));
    }
  };
  const timer = setInterval(draw, 100);
  return {
    progress: watched,
    watch: (p) => void (watched = p),
    stop: () => {
      clearInterval(timer);
      draw();
      if (started) bar.stop();
    },
  };
}
