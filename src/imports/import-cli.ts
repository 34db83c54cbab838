/**
 * `npm run cli -- import FILE --plan P [--commit] …`: the same ImportService as POST /imports, acting as
 * the system (whoever runs the CLI already holds the database). A progress bar on stderr when it is a
 * terminal; the report on stdout, as text (default) or JSON (`--json`).
 * Exit codes: 0 the import ran (dry run without errors, committed, or nothing to change); 1 the report
 * has errors (a dry run that a commit would refuse) or the commit was refused; 2 bad arguments.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { InvalidArgumentError, Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CommandFailed } from '../audit/audit-cli.js';
import { SYSTEM_ACTOR } from '../common/actor.js';
import { ImportService, type GroupTarget, type ImportPhase, type ImportProgress, type ImportResult } from './import.service.js';

/** --groups: a JSON object, section key → group id or { name, kind } (checked further by the service). */
function groupsJson(v: string): Record<string, GroupTarget> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new InvalidArgumentError('must be JSON: {"附件1":"<group id>","附件2":{"name":"园区组","kind":"park"}}');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InvalidArgumentError('must be a JSON object: section key → group id or { name, kind }');
  return parsed as Record<string, GroupTarget>;
}
import { SHAPES, type ShapeName } from './model.js';

type WithApp = (fn: (app: INestApplicationContext) => Promise<unknown> | unknown) => Promise<void>;

const LABELS: Record<ImportPhase, string> = { parse: 'reading', plan: 'comparing', write: 'writing' };

/** A cli-progress bar on stderr, only when stderr is a terminal. */
function progressBar(): { progress: ImportProgress; stop: () => void } | null {
  if (!process.stderr.isTTY) return null;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{phase} [{bar}] {value}/{total} {percentage}% | {duration_formatted}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let phase: ImportPhase | null = null;
  return {
    progress: (p, done, total) => {
      if (p !== phase) {
        if (phase) bar.stop();
        phase = p;
        bar.start(Math.max(total, 1), done, { phase: LABELS[p].padEnd(9) });
      } else {
        bar.setTotal(Math.max(total, 1));
        bar.update(done);
      }
    },
    stop: () => {
      if (phase) bar.stop();
    },
  };
}

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('not a whole number');
  return n;
};
const nonNegative = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('not a number ≥ 0');
  return n;
};

export function registerImportCommand(program: Command, withApp: WithApp): void {
  program
    .command('import <file>')
    .description('import an office table (.xlsx, .csv, tab-separated text) into a plan; dry run unless --commit')
    .requiredOption('--plan <planId>', 'the plan to import into')
    .option('--commit', 'write everything in one transaction (default: dry run, writes nothing)', false)
    .addOption(new Option('--shape <shape>', 'the table shape (default: detected from the headers)').choices([...SHAPES]))
    .option('--year <year>', "year for dates written without one (default: the plan's)", int)
    .option('--create-units', 'create units the file names but the database does not know (default: report them)', false)
    .option('--allow-errors', 'commit what can be imported and skip (report) the rows and changes that cannot', false)
    .option('--default-method <code>', 'method for a file without a 计分方式 column', 'node_platform')
    .option('--default-points <n>', 'points for a file without a 分值 column', nonNegative, 0)
    .option('--expand-recurring', 'expand recurring phrases (每月 / 每季度 …) into one node per period (default: one node, reported)', false)
    .option('--groups <json>', 'map sections to plan groups: {"附件1":"<group id>","附件2":{"name":"园区组","kind":"park"}}', groupsJson)
    .option('--json', 'print the report as JSON', false)
    .action(
      async (
        file: string,
        o: {
          plan: string;
          commit: boolean;
          shape?: ShapeName;
          year?: number;
          createUnits: boolean;
          allowErrors: boolean;
          expandRecurring: boolean;
          groups?: Record<string, GroupTarget>;
          defaultMethod: string;
          defaultPoints: number;
          json: boolean;
        },
      ) => {
        const bytes = readFileSync(file);
        let result: ImportResult | undefined;
        await withApp(async (app) => {
          const bar = progressBar();
          try {
            result = await app.get(ImportService).run(
              { name: basename(file), bytes },
              {
                planId: o.plan,
                commit: o.commit,
                createUnits: o.createUnits,
                allowErrors: o.allowErrors,
                expandRecurring: o.expandRecurring,
                ...(o.groups ? { groups: o.groups } : {}),
                defaultMethod: o.defaultMethod,
                defaultPoints: o.defaultPoints,
                ...(o.shape ? { shape: o.shape } : {}),
                ...(o.year !== undefined ? { year: o.year } : {}),
              },
              SYSTEM_ACTOR,
              bar?.progress,
            );
          } finally {
            bar?.stop();
          }
          return o.json ? result : formatImportResult(result);
        });
        if (result && (result.outcome === 'refused' || (result.outcome === 'dry-run' && result.refusal !== null))) {
          throw new CommandFailed(
            result.outcome === 'refused' ? `refused, nothing written: ${result.refusal}` : `a commit would be refused: ${result.refusal}`,
          );
        }
      },
    );
}

/** Changes listed in the text report (all of them, up to CHANGE_LIST_LIMIT, in --json). */
const TEXT_CHANGES = 200;

/** Where a problem is, in Chinese (the problem text itself is the zh-CN message; --json keeps the English reason). */
const whereZh = (p: { row: number | null; column: number | null; field: string | null }) =>
  [p.row !== null ? `第 ${p.row} 行` : null, p.column !== null ? `第 ${p.column} 列` : null, p.field].filter(Boolean).join('，') || '整个文件';

/** The report as text: outcome, counts that add up, per-unit counts, every change, every problem. */
export function formatImportResult(r: ImportResult): string {
  const out: string[] = [];
  const c = r.counts;
  const pc = r.parse.counts;
  const verb = {
    'dry-run': 'DRY RUN (nothing written)',
    committed: `COMMITTED (run ${r.runId})`,
    unchanged: 'NOTHING TO CHANGE (nothing written)',
    refused: 'REFUSED (nothing written)',
  }[r.outcome];
  out.push(
    `Import of ${r.file.name} (${r.file.bytes} bytes, sha256 ${r.file.sha256.slice(0, 12)}…) into plan ${r.plan.id} (${r.plan.year}, ${r.plan.timezone}): ${verb}`,
  );
  if (r.refusal) out.push(`${r.outcome === 'refused' ? 'Refused' : 'A commit would be refused'}: ${r.refusal}`);
  if (r.refusalMessage) out.push(`${r.outcome === 'refused' ? '已拒绝，未写入' : '提交将被拒绝'}：${r.refusalMessage}`);
  out.push(`Shape: ${r.shape ?? 'not recognised'}`);
  out.push(
    `Rows: ${pc.rows} = ${pc.headerRows} header + ${pc.skippedHeaderRows} repeated header + ${pc.dataRows} data + ${pc.continuationRows} continuation + ` +
      `${pc.blankRows} blank + ${pc.preambleRows} preamble + ${pc.problemRows} unreadable`,
  );
  out.push(`Items: ${pc.items}; indicators ${pc.indicators}, tasks ${pc.tasks}, nodes ${pc.nodes} read from the file`);
  out.push(`Indicators: ${c.indicators.create} new + ${c.indicators.update} updated + ${c.indicators.unchanged} unchanged = ${pc.indicators}`);
  out.push(
    `Tasks:      ${c.tasks.create} new + ${c.tasks.revise} revised + ${c.tasks.unchanged} unchanged + ${c.tasks.refused} refused = ${c.tasks.create + c.tasks.revise + c.tasks.unchanged + c.tasks.refused}`,
  );
  out.push(
    `Nodes:      ${c.nodes.create} new + ${c.nodes.revise} in revised tasks + ${c.nodes.unchanged} unchanged + ${c.nodes.refused} refused = ${c.nodes.create + c.nodes.revise + c.nodes.unchanged + c.nodes.refused}`,
  );
  out.push(`Units: ${c.units.create} to create, ${c.units.known} known; task events: ${c.events}; task details recorded: ${c.details}`);
  if (c.groups.create || c.groups.members) out.push(`Groups: ${c.groups.create} to create, ${c.groups.members} member(s) added`);
  if (c.notInFile.indicators || c.notInFile.tasks)
    out.push(`In the plan but not in the file (kept): ${c.notInFile.indicators} indicator(s), ${c.notInFile.tasks} task(s)`);
  const units = Object.entries(pc.perUnit);
  if (units.length) {
    out.push('Per unit (tasks / nodes):');
    for (const [name, u] of units) out.push(`  ${name}: ${u.tasks} / ${u.nodes}`);
  }
  if (r.changes.length) {
    out.push(`Changes${r.mode === 'dry-run' ? ' (would be made)' : ''}:`);
    for (const ch of r.changes.slice(0, TEXT_CHANGES)) {
      const extra = ch.fields
        ? ` ${ch.fields.join(', ')}`
        : ch.nodes
          ? ` nodes changed [${ch.nodes.changed}] added [${ch.nodes.added}] removed [${ch.nodes.removed}]`
          : '';
      out.push(`  ${ch.kind.padEnd(17)} ${ch.key}${extra}`);
    }
    const more = r.changesOmitted + Math.max(0, r.changes.length - TEXT_CHANGES);
    if (more) out.push(`  … and ${more} more (--json lists ${r.changes.length})`);
  }
  const problems = [...r.parse.problems, ...r.problems];
  out.push(`Problems: ${r.errors} error(s), ${r.warnings} warning(s)`);
  for (const p of problems) {
    out.push(`  ${p.severity === 'error' ? '错误' : '警告'} ${whereZh(p)}：${p.message}${p.repairedMessage ? `（${p.repairedMessage}）` : ''}  [${p.code}]`);
  }
  return out.join('\n');
}
