/**
 * The audit commands of `npm run cli`: replay, verify, checkpoint, export, as-of, board. They boot the
 * same Nest context as everything else (withApp from src/cli.ts) and act as the system: whoever runs the
 * CLI already holds the database.
 */
import { cliBar } from '../common/cli-bar.js';
import type { INestApplicationContext } from '@nestjs/common';
import { Option, type Command } from 'commander';
import { closeSync, openSync, writeSync } from 'node:fs';
import { SYSTEM_ACTOR } from '../common/actor.js';
import { validateAs } from '../common/validation.js';
import { AsOfQuery, BoardAsOfQuery } from './audit.dto.js';
import type { IntegrityBreak } from './chain-check.js';
import { ExportService, EXPORT_FORMATS, type ExportFormat } from './export.service.js';
import { BOARD_BUCKETS, HistoryService, type BoardAsOf, type TaskReplay } from './history.service.js';
import { IntegrityService, type CheckpointSummary, type VerifyReport } from './integrity.service.js';

/** A command that ran and found something wrong: print the message, exit with the code (1 by default). */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CommandFailed';
  }
}

type WithApp = (fn: (app: INestApplicationContext) => Promise<unknown> | unknown) => Promise<void>;

/** A state value in a line: "open · green", "open · green · extension requested", "scored". */
export function stateLabel(value: unknown): string {
  if (typeof value === 'string') return value;
  const live = (value as { live?: { progress?: string; light?: string; extension?: string } } | null)?.live;
  if (!live) return JSON.stringify(value);
  return [live.progress, live.light, live.extension === 'requested' ? 'extension requested' : null].filter(Boolean).join(' · ');
}

const j = (v: unknown) => JSON.stringify(v);

export function formatReplay(r: TaskReplay): string {
  const out: string[] = [];
  out.push(
    `Replay of task ${r.taskId} (plan ${r.planId}): ${r.events} event(s); this build runs machine version ${r.runningMachineVersion}` +
      (r.recordedMachineVersions.length ? `, history recorded by version ${r.recordedMachineVersions.join(', ')}` : ''),
  );
  for (const m of r.migrations) out.push(`  migrated ${m}`);
  for (const s of r.steps) {
    out.push(`  #${String(s.seq).padEnd(4)} ${s.occurredAt}  ${s.type.padEnd(18)} ${stateLabel(s.replayed).padEnd(34)} ${s.matches ? 'ok' : 'DIVERGES'}`);
  }
  const d = r.divergence;
  if (d) {
    out.push(
      d.seq === null ? `DIVERGENCE at the end of the history: ${d.message}` : `DIVERGENCE at event #${d.seq} (${d.type}, ${d.occurredAt}): ${d.message}`,
    );
    if (d.event) out.push(`  event:    ${j(d.event)}`);
    if (d.recorded) out.push(`  recorded: ${j(d.recorded)}`);
    if (d.replayed) out.push(`  replayed: ${j(d.replayed)}`);
    if (d.differences?.length) out.push(`  differs at: ${d.differences.join(', ')}`);
  } else {
    out.push(r.end.storedSnapshotMatches ? 'End: the stored snapshot and query columns equal the replayed state.' : 'End: (not compared)');
  }
  if (r.chain.ok) out.push(`Hash chain: ${r.chain.events} event(s) intact, head #${r.chain.lastSeq} ${r.chain.lastHash ?? ''}`);
  else for (const b of r.chain.breaks) out.push(formatBreak(b));
  out.push(r.ok ? 'OK' : 'FAILED');
  return out.join('\n');
}

export function formatBreak(b: IntegrityBreak): string {
  const where = [
    b.taskId ? `task ${b.taskId}` : null,
    b.planId ? `plan ${b.planId}` : null,
    b.seq !== undefined ? `seq ${b.seq}` : null,
    b.fileId ? `file ${b.fileId}` : null,
    b.checkpointSeq !== undefined ? `checkpoint #${b.checkpointSeq}` : null,
  ].filter(Boolean);
  return `BREAK ${b.kind.padEnd(19)} ${where.join(' · ')}${where.length ? ': ' : ''}${b.message}`;
}

function rootLines(report: VerifyReport): string[] {
  if (!report.root) return ['No checkpoint yet: take one with `npm run cli -- checkpoint`, then publish its root.'];
  const r = report.root;
  const lines = [`Root: ${r.hash}  (checkpoint #${r.checkpointSeq}, ${r.createdAt}; ed25519 public key ${r.publicKey})`];
  if (report.planId) lines.push(`Plan ${report.planId} root in it: ${r.planRoot ?? '(the plan has nothing sealed)'}`);
  return lines;
}

export function formatVerify(r: VerifyReport, printRoot: boolean): string {
  const c = r.counts;
  const out = [
    `Verified ${r.planId ? `plan ${r.planId}: ` : ''}${c.tasks} task(s), ${c.events} event(s), ${c.evidenceFiles} evidence file(s) (${c.evidenceBytes} bytes), ` +
      `${c.checkpoints} checkpoint(s)${c.replayed ? `, replayed ${c.replayed} task(s)` : ''}` +
      `${c.logLeaves !== undefined ? `, the transparency log (${c.logLeaves} leaves, ${c.treeHeads} signed head(s), ${c.witnesses} witness signature(s))` : ''} in ${(r.durationMs / 1000).toFixed(2)} s`,
  ];
  for (const b of r.breaks) out.push(formatBreak(b));
  out.push(r.ok ? 'No breaks: every chain, checkpoint and file checked is intact.' : `${r.breaks.length} break(s) found.`);
  if (printRoot) out.push(...rootLines(r));
  return out.join('\n');
}

function formatCheckpoint(c: CheckpointSummary): string {
  return [
    `Checkpoint #${c.seq} (${c.createdAt}, by ${c.createdBy}): ${c.taskCount} task(s), ${c.eventCount} event(s), ${c.evidenceCount} evidence file(s)`,
    ...c.plans.map((p) => `  plan ${p.planId}: root ${p.root} (${p.taskCount} task(s), ${p.eventCount} event(s), ${p.evidenceCount} file(s))`),
    `Root: ${c.hash}`,
    `Signature (ed25519): ${c.signature}`,
    `Public key (SPKI DER, base64): ${c.publicKey}`,
  ].join('\n');
}

/** Terminal columns: CJK and full-width characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

export function formatBoard(b: BoardAsOf): string {
  const cols = ['unit', ...BOARD_BUCKETS, 'total', 'red lights'];
  const rows = [
    ...b.units.map((u) => [`${u.unitName} (${u.unitId})`, ...BOARD_BUCKETS.map((k) => u[k]), u.total, u.redLights]),
    ['total', ...BOARD_BUCKETS.map((k) => b.totals[k]), b.totals.total, b.totals.redLights],
  ];
  const width = cols.map((c, i) => Math.max(displayWidth(c), ...rows.map((r) => displayWidth(String(r[i])))));
  const pad = (v: string, w: number, left: boolean) => (left ? v + ' '.repeat(w - displayWidth(v)) : ' '.repeat(w - displayWidth(v)) + v);
  const line = (r: (string | number)[]) => r.map((v, i) => pad(String(v), width[i], i === 0)).join('  ');
  const out = [`Board of plan ${b.planId} as of ${b.asOf} (${b.at}): ${b.tasks} task(s)`, line(cols), ...rows.map(line)];
  for (const u of b.unreplayable) out.push(`not counted: task ${u.taskId} does not replay: ${u.message}`);
  return out.join('\n');
}

export function registerAuditCommands(program: Command, withApp: WithApp): void {
  program
    .command('replay')
    .description('re-run a task’s stored events through the machine, step by step; exit 1 at a divergence or a broken chain')
    .argument('<task>', 'task id')
    .option('--json', 'print the report as JSON')
    .action(async (taskId: string, o: { json?: boolean }) =>
      withApp(async (app) => {
        const r = await app.get(HistoryService).replay(taskId, SYSTEM_ACTOR);
        console.log(o.json ? JSON.stringify(r, null, 2) : formatReplay(r));
        if (!r.ok) throw new CommandFailed(`replay of task ${taskId} failed: ${r.divergence?.message ?? `${r.chain.breaks.length} chain break(s)`}`);
      }),
    );

  program
    .command('verify')
    .description('walk every hash chain, the checkpoint chain and every evidence file, replay every task; exit 1 on any break')
    .option('--plan <planId>', 'only this plan’s tasks')
    .option('--print-root', 'print the latest checkpoint’s root (and the plan’s root) for publishing')
    .option('--root <hash>', 'a root published earlier: it must still be in the checkpoint chain')
    .option('--no-replay', 'skip replaying every task (hash chains, checkpoints and files only)')
    .option('--no-evidence', 'skip hashing the evidence files')
    .option('--json', 'print the report as JSON')
    .action(async (o: { plan?: string; printRoot?: boolean; root?: string; replay: boolean; evidence: boolean; json?: boolean }) =>
      withApp(async (app) => {
        if (o.root !== undefined && !/^[0-9a-f]{64}$/.test(o.root)) throw new CommandFailed('--root must be 64 lowercase hex characters', 2);
        const bar = cliBar('verify');
        let r: Awaited<ReturnType<IntegrityService['verify']>>;
        try {
          r = await app.get(IntegrityService).verify({ planId: o.plan, replay: o.replay, evidence: o.evidence, root: o.root, progress: bar.progress });
        } finally {
          bar.stop();
        }
        console.log(o.json ? JSON.stringify(r, null, 2) : formatVerify(r, o.printRoot === true));
        if (!r.ok) throw new CommandFailed(`verify found ${r.breaks.length} break(s)`);
      }),
    );

  program
    .command('checkpoint')
    .description('seal every task head and evidence file in a new signed checkpoint and print its root')
    .option('--json', 'print the result as JSON')
    .action(async (o: { json?: boolean }) =>
      withApp(async (app) => {
        const r = await app.get(IntegrityService).checkpoint(SYSTEM_ACTOR);
        if (o.json) console.log(JSON.stringify(r, null, 2));
        else {
          if (!r.checkpoint) console.log('Nothing to seal yet: there are no tasks.');
          else console.log(`${r.created ? 'Sealed' : 'Nothing changed since the last checkpoint'}\n${formatCheckpoint(r.checkpoint)}`);
          for (const b of r.breaks) console.log(formatBreak(b));
        }
        if (r.breaks.length) throw new CommandFailed(`${r.breaks.length} break(s) were left out of the seal`);
      }),
    );

  program
    .command('export')
    .description('a task’s or a plan’s history with hashes, as JSON Lines or CSV (to --out or stdout)')
    .option('--task <taskId>')
    .option('--plan <planId>')
    .addOption(new Option('--format <format>').choices(EXPORT_FORMATS as unknown as string[]).default('jsonl'))
    .option('--out <file>', 'write here instead of stdout')
    .action(async (o: { task?: string; plan?: string; format: ExportFormat; out?: string }) => {
      if (!!o.task === !!o.plan) throw new CommandFailed('give exactly one of --task or --plan', 2);
      await withApp(async (app) => {
        const s = await app.get(ExportService).open({ taskId: o.task, planId: o.plan }, o.format, SYSTEM_ACTOR);
        const fd = o.out ? openSync(o.out, 'w') : 1;
        try {
          for await (const chunk of s.chunks) writeSync(fd, chunk);
        } catch (e) {
          // A reader that stopped early (`| head`) is not an error of the export.
          if ((e as { code?: string }).code !== 'EPIPE') throw e;
        } finally {
          if (o.out) closeSync(fd);
        }
        if (o.out) console.error(`wrote ${o.out}`);
      });
    });

  program
    .command('as-of')
    .description('a task’s state and light as they stood at a moment, from its history')
    .argument('<task>', 'task id')
    .argument('<when>', 'YYYY-MM-DD (end of that day in the plan’s zone) or an ISO-8601 instant')
    .action(async (taskId: string, when: string) =>
      withApp(async (app) => {
        const q = validateAs(AsOfQuery, { at: when }, 'as-of');
        return await app.get(HistoryService).asOf(taskId, q.at, SYSTEM_ACTOR);
      }),
    );

  program
    .command('board')
    .description('a plan’s board (tasks by unit and light) as of a date, from the history')
    .argument('<plan>', 'plan id')
    .requiredOption('--as-of <when>', 'YYYY-MM-DD or an ISO-8601 instant')
    .option('--json')
    .action(async (planId: string, o: { asOf: string; json?: boolean }) =>
      withApp(async (app) => {
        const q = validateAs(BoardAsOfQuery, { asOf: o.asOf }, 'board');
        const b = await app.get(HistoryService).board(planId, q.asOf, SYSTEM_ACTOR);
        console.log(o.json ? JSON.stringify(b, null, 2) : formatBoard(b));
      }),
    );
}
