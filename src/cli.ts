import 'reflect-metadata';
import { cliBar } from './common/cli-bar.js';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Command, InvalidArgumentError } from 'commander';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../config/app.config.js';
import { AppModule } from './app.module.js';
import { CommandFailed, registerAuditCommands } from './audit/audit-cli.js';
import { registerLogCommands } from './translog/translog-cli.js';
import { ROLES } from './auth/user.entity.js';
import { UsersService } from './auth/users.service.js';
import { passwordProblems } from './auth/password-policy.js';
import { DomainError } from './common/domain-error.js';
import { validateAs } from './common/validation.js';
import { CreateUserDto } from './auth/auth.dto.js';
import { CreatePlanDto } from './plans/plans.dto.js';
import { CreateUnitDto } from './units/units.dto.js';
import { DeadlineSweeper } from './deadlines/deadline-sweeper.service.js';
import { DeadlinesService } from './deadlines/deadlines.service.js';
import { registerImportCommand } from './imports/import-cli.js';
import { registerSecurityLogCommands } from './security-log/security-log-cli.js';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { PlansService } from './plans/plans.service.js';
import { UnitsService } from './units/units.service.js';

/**
 * `npm run cli -- <command>`: the same services and write path as the HTTP API, without HTTP.
 * Exit codes: 0 done, 1 refused (the reason is printed), 2 bad configuration or arguments.
 */
async function withApp<T>(fn: (app: INestApplicationContext) => Promise<T> | T): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const result = await fn(app);
    if (result !== undefined) console.log(typeof result === 'string' ? result : JSON.stringify(result, null, 2));
  } finally {
    await app.close();
  }
}

/** Drop options that were not given, so validation sees them as absent. */
const clean = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('not a whole number');
  return n;
};

/** 16 random base64url characters that meet the password policy (a draw of letters only is drawn again). */
function generatedPassword(username: string): string {
  for (;;) {
    const p = randomBytes(12).toString('base64url');
    if (!passwordProblems(p, username, 'password', 16).length) return p;
  }
}

export function buildProgram(): Command {
  const program = new Command('duban').description('Duban 督办 command line').showHelpAfterError().exitOverride();

  const user = program.command('user').description('manage users');
  user
    .command('create')
    .description('create a user; prints a generated password when none is given')
    .requiredOption('--username <name>')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--unit <unitId>', 'unit id (required for department and assessor)')
    .option('--display-name <name>')
    .option('--password <password>', 'at least 8 characters (default: generated); prefer DUBAN_NEW_PASSWORD')
    .action(async (o: { username: string; role: string; unit?: string; displayName?: string; password?: string }) => {
      const password = o.password ?? process.env.DUBAN_NEW_PASSWORD ?? generatedPassword(o.username);
      await withApp(async (app) => {
        const dto = validateAs(
          CreateUserDto,
          clean({ username: o.username, displayName: o.displayName ?? o.username, password, role: o.role, unitId: o.unit }),
          'user',
        );
        const u = await app.get(UsersService).create(dto);
        return o.password || process.env.DUBAN_NEW_PASSWORD ? u : { ...u, password };
      });
    });

  const unit = program.command('unit').description('manage units');
  unit
    .command('create')
    .requiredOption('--name <name>')
    .option('--id <id>')
    .option('--kind <kind>', 'town | park | department | office | other', 'department')
    .action(async (o: { name: string; id?: string; kind: string }) =>
      withApp(async (app) => await app.get(UnitsService).create(validateAs(CreateUnitDto, clean({ id: o.id, name: o.name, kind: o.kind }), 'unit'))),
    );

  const plan = program.command('plan').description('manage plans');
  plan
    .command('create')
    .requiredOption('--year <year>', 'e.g. 2026', int)
    .requiredOption('--name <name>')
    .option('--id <id>')
    .option('--timezone <tz>', 'IANA zone', 'Asia/Shanghai')
    .option('--warn-working-days <n>', 'working days before a due day when lights turn yellow', int)
    .action(async (o: { year: number; name: string; id?: string; timezone: string; warnWorkingDays?: number }) =>
      withApp(
        async (app) =>
          await app
            .get(PlansService)
            .create(
              validateAs(CreatePlanDto, clean({ id: o.id, year: o.year, name: o.name, timezone: o.timezone, warnWorkingDays: o.warnWorkingDays }), 'plan'),
            ),
      ),
    );
  plan.command('list').action(async () => withApp(async (app) => await app.get(PlansService).list({ pageSize: 200 })));
  plan
    .command('close <plan>')
    .description('close a plan: freeze its scores (one transaction, as a close job; a progress bar on a terminal)')
    .action(async (planId: string) =>
      withApp(async (app) => {
        const bar = cliBar('close');
        try {
          const started = await app.get(PlansService).startClose(planId);
          bar.watch(started.progress);
          const { value, error } = await started.finished;
          if (error) throw error;
          return value;
        } finally {
          bar.stop();
        }
      }),
    );

  registerAuditCommands(program, withApp);
  registerLogCommands(program, withApp);
  registerImportCommand(program, withApp);
  registerSecurityLogCommands(program, withApp);

  const calendar = program.command('calendar').description('the working-day calendar (holidays, make-up working days)');
  calendar
    .command('import <file>')
    .description('import an .ics calendar; each year it covers replaces that year (kept in the data directory)')
    .action(async (file: string) =>
      withApp((app) => app.get(DeadlinesService).importIcs(readFileSync(file, 'utf8'), basename(file), new Date().toISOString())),
    );
  calendar
    .command('check <date>')
    .description('is YYYY-MM-DD a working day, and why')
    .action(async (date: string) => withApp((app) => app.get(DeadlinesService).calendar.describe(date)));

  program
    .command('sweep')
    .description('send due tasks their clock tick (yellow at the warn time, red at the due time); safe to run twice or concurrently')
    .option('--at <instant>', 'sweep as of this ISO-8601 instant instead of now (drills, catching up)')
    .action(async (o: { at?: string }) => {
      if (o.at !== undefined && Number.isNaN(Date.parse(o.at))) throw new InvalidArgumentError('--at must be an ISO-8601 instant');
      await withApp(async (app) => {
        const bar = cliBar('sweep');
        try {
          return await app.get(DeadlineSweeper).sweep(o.at ? new Date(o.at).toISOString() : undefined, undefined, bar.progress);
        } finally {
          bar.stop();
        }
      });
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    loadConfig();
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 2;
    }
    if (e instanceof CommandFailed) {
      console.error(e.message);
      return e.exitCode;
    }
    if (e instanceof DomainError) {
      console.error(`refused: ${e.message}`);
      if (e.code === 'VALIDATION_FAILED') return 2;
      return 1;
    }
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) return ce.exitCode === 0 ? 0 : 2;
    Logger.error((e as Error).stack ?? String(e), 'cli');
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void main(process.argv).then((code) => process.exit(code));
}
