import { DomainError, ErrorCode } from './domain-error.js';

/**
 * What reading a multipart body can throw, as the client's fault: busboy's parse errors ("Boundary not
 * found", "Unexpected end of form", "Malformed part header") and @fastify/multipart's limit errors carry no
 * 4xx status of their own and reached the client as 500. Domain errors pass through unchanged.
 */
export function multipartProblem(e: unknown, limits: { files: number; fields: number; parts: number }): Error {
  if (e instanceof DomainError) return e;
  const err = e as { code?: string; message?: string; statusCode?: number };
  switch (err?.code) {
    case 'FST_FILES_LIMIT':
      return new DomainError(ErrorCode.Validation, `Invalid input — file: at most ${limits.files} file(s) per request`, {
        fields: [{ field: 'file', reason: `at most ${limits.files} file(s) per request` }],
        limit: limits.files,
      });
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new DomainError(ErrorCode.Validation, `Invalid input — body: at most ${limits.parts} parts (${limits.fields} fields) per request`, {
        fields: [{ field: 'body', reason: `at most ${limits.parts} parts (${limits.fields} fields) per request` }],
        limit: limits.parts,
      });
    case 'FST_REQ_FILE_TOO_LARGE':
      return e as Error;
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return DomainError.validation([{ field: 'file', reason: 'send multipart/form-data with a "file" field' }]);
  }
  if (typeof err?.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) return e as Error;
  const why = String(err?.message ?? 'unreadable').slice(0, 120);
  return DomainError.validation([{ field: 'body', reason: `malformed or cut-short multipart body (${why})` }]);
}

/** The limits app.setup.ts registers @fastify/multipart with, so refusals can name them. */
export const MULTIPART_LIMITS = { files: 1, fields: 10, parts: 12 } as const;
