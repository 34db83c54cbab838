import { Module } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../../config/app.config.js';
import { Clock } from '../common/clock.js';
import { DatabaseService } from '../database/database.service.js';
import { AuthController, UsersController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { resolveJwtSecret } from './jwt-secret.js';
import { LoginLimiter } from './login-limiter.js';
import { SessionsService } from './sessions.service.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig, DatabaseService, Clock],
      useFactory: async (config: AppConfig, db: DatabaseService, clock: Clock) => ({
        // A KeyObject, not a string: jsonwebtoken otherwise tries (and fails) to parse a string secret as a
        // public key on every verify, which measured as a fifth of the server's CPU under load.
        secret: createSecretKey(Buffer.from(await resolveJwtSecret(config.DUBAN_JWT_SECRET, db, clock.nowIso()), 'utf8')) as unknown as string,
        signOptions: { expiresIn: config.DUBAN_JWT_TTL_SECONDS, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, UsersController],
  providers: [AuthService, UsersService, LoginLimiter, SessionsService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [UsersService, SessionsService],
})
export class AuthModule {}
