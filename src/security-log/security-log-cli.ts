/**
 * `npm run cli -- security-log list|verify|prune`: the security log from the command line (whoever runs the
 * CLI holds the database). `list` validates its filters like the API; `verify` exits 1 on a break.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { Option, type Command } from 'commander';
import { CommandFailed } from '../audit/audit-cli.js';
import { validateAs } from '../common/validation.js';
import { SecurityLogQueryDto } from './security-log.dto.js';
import { SECURITY_KINDS, SecurityLogService, type SecurityEventView } from './security-log.service.js';

type WithApp = (fn: (app: INestApplicationContext) => Promise<unknown> | unknown) => Promise<void>;

export function formatSecurityEvent(e: SecurityEventView): string {
  const who = e.actorName ? `${e.actorName} (${e.actorRole ?? '?'})` : '-';
  return `#${String(e.seq).padEnd(6)} ${e.occurredAt}  ${e.kind.padEnd(22)} ${who.padEnd(24)} ${(e.subject ?? '-').padEnd(30)} ${e.address ?? '-'}  ${JSON.stringify(e.details)}`;
}

export function registerSecurityLogCommands(program: Command, withApp: WithApp): void {
  const log = program.command('security-log').description('the security log (安全审计日志): list, verify, prune');
  log
    .command('list')
    .description('newest first, filtered; --json for the page as JSON')
    .addOption(new Option('--kind <kind>', 'one kind').choices(SECURITY_KINDS as unknown as string[]))
    .option('--user <id>', 'the actor, or the user the event is about')
    .option('--from <instant>', 'from (inclusive), ISO-8601 with a zone')
    .option('--to <instant>', 'to (exclusive)')
    .option('--page <n>', 'page (1…)')
    .option('--page-size <n>', 'events a page (1…200)')
    .option('--json', 'print JSON')
    .action(async (o: { kind?: string; user?: string; from?: string; to?: string; page?: string; pageSize?: string; json?: boolean }) => {
      const raw = Object.fromEntries(
        Object.entries({ kind: o.kind, userId: o.user, from: o.from, to: o.to, page: o.page, pageSize: o.pageSize }).filter(([, v]) => v !== undefined),
      );
      const q = validateAs(SecurityLogQueryDto, raw, 'query');
      await withApp(async (app) => {
        const page = await app.get(SecurityLogService).list(q);
        if (o.json) return page;
        const lines = page.items.map(formatSecurityEvent);
        lines.push(`page ${page.page} of ${Math.max(1, Math.ceil(page.total / page.pageSize))} (${page.total} event(s))`);
        return lines.join('\n');
      });
    });
  log
    .command('verify')
    .description('check the hash chain from the last prune’s recorded head; exit 1 on a break')
    .option('--json', 'print the report as JSON')
    .action(async (o: { json?: boolean }) =>
      withApp(async (app) => {
        const r = await app.get(SecurityLogService).verify();
        const text = o.json
          ? JSON.stringify(r, null, 2)
          : [
              `Security log: ${r.events} event(s) from #${r.startSeq}${r.prunedThroughSeq ? ` (pruned through #${r.prunedThroughSeq}, head recorded)` : ''}`,
              ...r.breaks.map((b) => `  BREAK at #${b.seq} (${b.kind}): ${b.message}`),
              r.head ? `Head: #${r.head.seq} ${r.head.hash}` : 'Head: (empty)',
              r.ok ? 'OK' : 'FAILED',
            ].join('\n');
        if (!r.ok) throw new CommandFailed(text);
        return text;
      }),
    );
  log
    .command('prune')
    .description('delete events older than DUBAN_SECURITY_LOG_RETENTION_DAYS (or --days), recording the pruned head')
    .option('--days <n>', 'retention in days (default: the configuration)')
    .action(async (o: { days?: string }) => {
      const days = o.days === undefined ? undefined : Number(o.days);
      if (days !== undefined && (!Number.isInteger(days) || days < 1)) throw new CommandFailed('--days must be a whole number ≥ 1', 2);
      await withApp(async (app) => await app.get(SecurityLogService).prune(days));
    });
}
