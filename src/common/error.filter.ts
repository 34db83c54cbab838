import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isUniqueViolation } from '../database/database.service.js';
import { DomainError, ERROR_STATUS, ErrorCode } from './domain-error.js';
import { localizeError, type FieldProblemZh } from './error-catalogue.js';

/**
 * `message` is for people (zh-CN, from error-catalogue.ts; no ids, no English); `detail` is the English
 * developer text; `code` and `details` are for programs and stay stable. `field` names the first field
 * concerned and `fields` gives each refused field with its Chinese label and reason.
 */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  detail?: string;
  field?: string;
  fields?: Pick<FieldProblemZh, 'field' | 'label' | 'message'>[];
  details?: Record<string, unknown>;
  requestId?: string;
}

const HTTP_CODES: Record<number, string> = {
  400: ErrorCode.Validation,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  406: 'NOT_ACCEPTABLE',
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.FileTypeNotAllowed,
  429: ErrorCode.TooManyRequests,
};

/** The one place where errors become HTTP: domain codes → statuses; anything unknown → 500 without internals. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const body = this.toBody(exception);
    body.requestId = String(request?.id ?? '');
    if (body.statusCode >= 500) {
      this.logger.error(`${request?.method} ${request?.url} [${body.requestId}]`, (exception as Error)?.stack);
    }
    // A lockout (429) says when to come back, in seconds (RFC 9110 Retry-After).
    const retryAfter = body.details?.['retryAfterSeconds'];
    if (body.statusCode === 429 && typeof retryAfter === 'number') void reply.header('retry-after', String(Math.ceil(retryAfter)));
    // Failed after the answer began (a stream broke): the status is gone, so end the connection rather
    // than leave the client waiting; else drop a download's headers set before the failure (a bad one
    // would fail this answer too, and the request would never be answered).
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    reply.removeHeader('content-disposition');
    try {
      void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
    } catch (e) {
      this.logger.error(`${request?.method} ${request?.url} [${body.requestId}]: the error answer failed too`, (e as Error)?.stack);
      reply.raw.destroy();
    }
  }

  toBody(exception: unknown): ErrorBody {
    const raw = this.rawBody(exception);
    const zh = localizeError(raw.say ?? raw.code, raw.statusCode, raw.message, raw.details);
    const body: ErrorBody = { statusCode: raw.statusCode, code: raw.code, message: zh.message, detail: raw.message };
    if (zh.field) body.field = zh.field;
    if (zh.fields) body.fields = zh.fields.map((f) => ({ field: f.field, label: f.label, message: f.message }));
    if (raw.details) body.details = withoutConstraints(raw.details);
    return body;
  }

  private rawBody(exception: unknown): ErrorBody & { say?: string } {
    if (exception instanceof DomainError) {
      return { statusCode: ERROR_STATUS[exception.code], code: exception.code, message: exception.message, details: exception.details };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const message = typeof res === 'string' ? res : String((res as { message?: unknown }).message ?? exception.message);
      // The adapter's JSON body parser refuses a body that is not JSON, empty, or carries __proto__ /
      // constructor.prototype as a 400 HttpException naming no field: name the body, as every 400 does.
      if (status === 400 && /JSON/i.test(message)) {
        const reason = /empty/i.test(message) ? 'empty body: send a JSON object' : 'not valid JSON (or a forbidden __proto__ / constructor key)';
        return { statusCode: 400, code: ErrorCode.Validation, message, details: { fields: [{ field: 'body', reason }] }, say: 'INVALID_JSON' };
      }
      return { statusCode: status, code: HTTP_CODES[status] ?? `HTTP_${status}`, message };
    }
    // Fastify's own errors (body too large, bad JSON, bad content type) carry a statusCode.
    const fe = exception as { statusCode?: number; code?: string; message?: string };
    if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code = fe.code === 'FST_REQ_FILE_TOO_LARGE' ? ErrorCode.FileTooLarge : (HTTP_CODES[fe.statusCode] ?? fe.code ?? 'BAD_REQUEST');
      // The code stays what it was; the Chinese message may say more (bad JSON, unsupported content type).
      const say = /JSON/.test(fe.code ?? '') ? 'INVALID_JSON' : fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'UNSUPPORTED_MEDIA_TYPE' : undefined;
      return { statusCode: fe.statusCode, code, message: fe.message ?? 'Bad request', ...(say ? { say } : {}) };
    }
    // A unique index refused a row a concurrent writer stored first (on PostgreSQL transactions do not wait
    // for each other as on SQLite, so a check-then-insert can lose the race): the caller retries on fresh data.
    if (isUniqueViolation(exception)) {
      return { statusCode: 409, code: ErrorCode.VersionConflict, message: 'a concurrent change stored the same row first; read again and retry' };
    }
    return { statusCode: 500, code: 'INTERNAL', message: 'Internal error; the request id identifies it in the server log' };
  }
}

/** The validator's constraint names helped the catalogue; the body's `details.fields` keep their old shape. */
function withoutConstraints(details: Record<string, unknown>): Record<string, unknown> {
  const fields = details['fields'];
  if (!Array.isArray(fields)) return details;
  return {
    ...details,
    fields: fields.map((f: unknown) =>
      f && typeof f === 'object' && 'constraint' in f ? (({ constraint: _c, ...rest }) => rest)(f as { constraint?: string }) : f,
    ),
  };
}
