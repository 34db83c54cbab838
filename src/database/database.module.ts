import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app.config.js';
import { ensurePrivateDir } from '../common/private-files.js';
import { dataSourceOptions, postgresDataSourceOptions } from './data-source.js';
import { DatabaseService } from './database.service.js';
import { LeaderLock } from './leader-lock.js';
import { PostgresDatabase } from './postgres-database.js';
import { SqliteDatabase } from './sqlite-database.js';

/**
 * Opens the database the configuration names — PostgreSQL when DUBAN_DATABASE_URL is set, else the SQLite
 * file (created if needed) — and runs its pending migrations before the app serves. Everything injects
 * `DatabaseService` and gets the matching implementation of the seam.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...(config.DUBAN_DATABASE_URL
          ? // The data directory still holds the evidence store and generated secrets: private, as with SQLite.
            (ensurePrivateDir(config.DUBAN_DATA_DIR), postgresDataSourceOptions(config.DUBAN_DATABASE_URL, config.DUBAN_PG_POOL_SIZE))
          : dataSourceOptions({ dataDir: config.DUBAN_DATA_DIR, database: config.DUBAN_DB, synchronous: config.DUBAN_SQLITE_SYNCHRONOUS })),
        migrationsRun: true,
      }),
    }),
  ],
  providers: [
    {
      provide: DatabaseService,
      inject: [DataSource],
      useFactory: (ds: DataSource): DatabaseService =>
        ds.options.type === 'postgres' ? new PostgresDatabase((ds.driver as unknown as { master: pg.Pool }).master) : new SqliteDatabase(ds),
    },
    LeaderLock,
  ],
  exports: [DatabaseService, LeaderLock],
})
export class DatabaseModule {}
