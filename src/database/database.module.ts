import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../config/app.config.js';
import { dataSourceOptions } from './data-source.js';
import { DatabaseService } from './database.service.js';

/** Opens (creating if needed) the SQLite file and runs pending migrations before the app serves. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions({ dataDir: config.DUBAN_DATA_DIR, database: config.DUBAN_DB, synchronous: config.DUBAN_SQLITE_SYNCHRONOUS }),
        migrationsRun: true,
      }),
    }),
  ],
  providers: [DatabaseService],
  exports: [DatabaseService],
})
export class DatabaseModule {}
