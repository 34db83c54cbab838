import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { Logger, type LogLevel } from '@nestjs/common';
import { AppConfig } from '../config/app.config.js';
import { jsonBodyParser, registerInputLimits } from './common/input-limits.js';
import { MULTIPART_LIMITS } from './common/multipart-errors.js';

/** Largest request body (JSON or form) outside multipart uploads; bigger → 413 PAYLOAD_TOO_LARGE before parsing. */
export const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

export function createAdapter(): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, genReqId: () => randomUUID(), logger: false });
}

/** Everything main.ts and the e2e tests set up the same way: multipart limits and the OpenAPI docs. */
/**
 * `swaggerUi: false` skips the HTML UI (its static assets load through a dynamic import Jest's VM cannot do);
 * /docs-json is served either way.
 */
export async function configureApp(app: NestFastifyApplication, opts: { swaggerUi?: boolean } = {}): Promise<void> {
  const config = app.get(AppConfig);
  app.useLogger(logLevels(config.DUBAN_LOG_LEVEL));
  if (config.DUBAN_LOG_LEVEL === 'debug' || config.DUBAN_LOG_LEVEL === 'verbose') {
    const log = new Logger('HTTP');
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onResponse', (req, reply, done) => {
        log.debug(`${req.method} ${maskSecrets(req.url)} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms [${req.id}]`);
        done();
      });
  }
  // Security headers on every answer, errors included. The web pages are built by Vite (module scripts,
  // no inline script); Swagger UI's page needs inline styles, which helmet's default style-src allows.
  await app.register(helmet as never, {
    contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:', 'blob:'], 'worker-src': ["'self'", 'blob:'] } },
    crossOriginEmbedderPolicy: false,
  });
  // Key count and depth bounded before any DTO work (see common/input-limits.ts): on the raw JSON bytes before
  // JSON.parse, then on every parsed body and query string before Nest's guards and pipes.
  const fastify = app.getHttpAdapter().getInstance();
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, jsonBodyParser(fastify) as never);
  registerInputLimits(fastify);
  await app.register(multipart as never, {
    limits: { fileSize: config.DUBAN_UPLOAD_MAX_BYTES, ...MULTIPART_LIMITS, fieldSize: 64 * 1024, headerPairs: 50 },
    throwFileSizeLimit: false,
  });
  const doc = new DocumentBuilder()
    .setTitle('Duban 督办 API')
    .setDescription(
      'Workflow-driven task tracker for performance assessment. Log in with POST /auth/login, then send ' +
        '`Authorization: Bearer <token>`. Every change to a task goes through POST /tasks/{id}/events.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', ui: opts.swaggerUi ?? true, raw: ['json'] });
}

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** The configured level and every more severe one. */
export function logLevels(level: LogLevel): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

/** Tokens in query strings (EventSource's access_token) never reach the log. */
export function maskSecrets(url: string): string {
  return url.replace(/([?&](?:access_token|token|password)=)[^&]*/gi, '$1***');
}
