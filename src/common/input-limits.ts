import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from './domain-error.js';
import { ErrorFilter } from './error.filter.js';

/**
 * Limits checked on every parsed body and query string *before* any DTO work (class-transformer and
 * class-validator recurse and compare per key, so a 100,000-key or 5,000-level body cost them seconds or
 * overflowed the stack). The walk is iterative and stops at the first limit it crosses.
 */
export interface ShapeLimits {
  /** Deepest nesting of objects/arrays (the body itself is depth 1). */
  maxDepth: number;
  /** Most keys in one object. */
  maxKeys: number;
  /** Most items in one array. */
  maxItems: number;
  /** Most values (keys + items) in the whole body. */
  maxNodes: number;
}

export const BODY_LIMITS: ShapeLimits = { maxDepth: 32, maxKeys: 1000, maxItems: 20_000, maxNodes: 100_000 };
/** Query strings are flat in this API: `?a=1&b=2`, at most a few dozen names. */
export const QUERY_LIMITS: ShapeLimits = { maxDepth: 3, maxKeys: 64, maxItems: 200, maxNodes: 1000 };

export interface ShapeProblem {
  /** Where the limit was crossed (`body.a.b[3]`), cut to 200 characters. */
  field: string;
  reason: string;
  /** The limit crossed; none for a refused character. */
  limit?: number;
}

/** The first limit `value` crosses, or null when it is within all of them. */
export function checkShape(value: unknown, limits: ShapeLimits, root = 'body'): ShapeProblem | null {
  if (value === null || typeof value !== 'object') return null;
  const stack: Array<{ v: object; depth: number; path: string }> = [{ v: value, depth: 1, path: root }];
  let nodes = 0;
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (depth > limits.maxDepth) return { field: cut(path), reason: `nested deeper than ${limits.maxDepth} levels`, limit: limits.maxDepth };
    if (Array.isArray(v)) {
      if (v.length > limits.maxItems) return { field: cut(path), reason: `more than ${limits.maxItems} items`, limit: limits.maxItems };
      nodes += v.length;
      if (nodes > limits.maxNodes) return { field: root, reason: `more than ${limits.maxNodes} values in all`, limit: limits.maxNodes };
      for (let i = 0; i < v.length; i++) {
        const c: unknown = v[i];
        if (c !== null && typeof c === 'object') stack.push({ v: c, depth: depth + 1, path: path.length < 200 ? `${path}[${i}]` : path });
      }
    } else {
      // Counting without materialising the key list first would not be cheaper: Object.keys is linear.
      const keys = Object.keys(v);
      if (keys.length > limits.maxKeys) return { field: cut(path), reason: `more than ${limits.maxKeys} keys`, limit: limits.maxKeys };
      nodes += keys.length;
      if (nodes > limits.maxNodes) return { field: root, reason: `more than ${limits.maxNodes} values in all`, limit: limits.maxNodes };
      for (const k of keys) {
        const c: unknown = (v as Record<string, unknown>)[k];
        if (c !== null && typeof c === 'object') stack.push({ v: c, depth: depth + 1, path: path.length < 200 ? `${path}.${k.slice(0, 64)}` : path });
      }
    }
  }
  return null;
}

/**
 * The first string (value or key) holding a NUL character (U+0000), as a problem naming where, or null.
 * PostgreSQL cannot store NUL in text (the driver's statement fails: a 500 on any lookup or insert), and
 * SQLite would keep it where PostgreSQL could not, so the service refuses it at the door on both. Run after
 * checkShape, so the walk is bounded by the same limits.
 */
export function findNul(value: unknown, root = 'body'): ShapeProblem | null {
  const reason = 'must not contain the NUL character (U+0000)';
  if (typeof value === 'string') return value.includes('\u0000') ? { field: root, reason } : null;
  if (value === null || typeof value !== 'object') return null;
  const stack: Array<{ v: object; path: string }> = [{ v: value, path: root }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    const entries: Array<[string, unknown]> = Array.isArray(v)
      ? v.map((c, i) => [`${path}[${i}]`, c])
      : Object.keys(v).map((k) => [`${path}.${k.slice(0, 64)}`, (v as Record<string, unknown>)[k]]);
    if (!Array.isArray(v))
      for (const k of Object.keys(v)) if (k.includes('\u0000')) return { field: cut(path.replaceAll('\u0000', '')), reason: `a key that ${reason}` };
    for (const [p, c] of entries) {
      if (typeof c === 'string' && c.includes('\u0000')) return { field: cut(p.replaceAll('\u0000', '')), reason };
      if (c !== null && typeof c === 'object') stack.push({ v: c, path: p.length < 200 ? p : path });
    }
  }
  return null;
}

/**
 * The same limits checked on the raw JSON bytes, before JSON.parse: one pass with a stack of counters,
 * stopping at the first limit crossed (a 1 MB body of 100,000 keys is refused after its first thousand keys,
 * in well under a millisecond, where parsing it alone cost ~100 ms here). Strings are skipped, escapes
 * honoured; malformed JSON is left for the parser to refuse.
 */
export function scanJson(buf: Uint8Array, limits: ShapeLimits): ShapeProblem | null {
  // counts[d] = keys (object) or items (array) so far at depth d; kinds[d] = 1 object, 2 array.
  const counts: number[] = [];
  const kinds: number[] = [];
  let nodes = 0;
  let sawValueInArray = false;
  const n = buf.length;
  for (let i = 0; i < n; i++) {
    const c = buf[i];
    if (c === 0x22) {
      // a string: skip to its closing quote
      i++;
      while (i < n && buf[i] !== 0x22) i += buf[i] === 0x5c ? 2 : 1;
      if (kinds.length && kinds[kinds.length - 1] === 2) sawValueInArray = true;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      // { or [: a new container (also a value of its parent array)
      if (kinds.length && kinds[kinds.length - 1] === 2) sawValueInArray = true;
      if (kinds.length + 1 > limits.maxDepth) return { field: 'body', reason: `nested deeper than ${limits.maxDepth} levels`, limit: limits.maxDepth };
      kinds.push(c === 0x7b ? 1 : 2);
      counts.push(0);
      sawValueInArray = false;
    } else if (c === 0x7d || c === 0x5d) {
      const d = kinds.length - 1;
      if (d >= 0 && kinds[d] === 2 && sawValueInArray) {
        if (++counts[d] > limits.maxItems) return { field: 'body', reason: `an array of more than ${limits.maxItems} items`, limit: limits.maxItems };
        if (++nodes > limits.maxNodes) return { field: 'body', reason: `more than ${limits.maxNodes} values in all`, limit: limits.maxNodes };
      }
      kinds.pop();
      counts.pop();
      sawValueInArray = true; // the closed container is a value of its parent
    } else if (c === 0x3a) {
      // ':' ends a key
      const d = kinds.length - 1;
      if (d >= 0 && ++counts[d] > limits.maxKeys) return { field: 'body', reason: `an object of more than ${limits.maxKeys} keys`, limit: limits.maxKeys };
      if (++nodes > limits.maxNodes) return { field: 'body', reason: `more than ${limits.maxNodes} values in all`, limit: limits.maxNodes };
    } else if (c === 0x2c) {
      const d = kinds.length - 1;
      if (d >= 0 && kinds[d] === 2) {
        if (++counts[d] > limits.maxItems) return { field: 'body', reason: `an array of more than ${limits.maxItems} items`, limit: limits.maxItems };
        if (++nodes > limits.maxNodes) return { field: 'body', reason: `more than ${limits.maxNodes} values in all`, limit: limits.maxNodes };
        sawValueInArray = false;
      }
    } else if (c > 0x20 && kinds.length && kinds[kinds.length - 1] === 2) {
      sawValueInArray = true; // a number, true, false or null inside an array
    }
  }
  return null;
}

/** The parser-stage refusal: a domain error, so the one filter answers it like every other 400. */
export function shapeError(p: ShapeProblem): DomainError {
  return new DomainError(ErrorCode.Validation, `Invalid input — ${p.field}: ${p.reason}`, {
    fields: [{ field: p.field, reason: p.reason }],
    ...(p.limit !== undefined ? { limit: p.limit } : {}),
  });
}

const cut = (s: string) => (s.length > 200 ? s.slice(0, 200) + '…' : s);

/**
 * The 400 body for a shape problem: the error filter's envelope (Chinese message, `fields`, `details`), a
 * few hundred bytes at most. The hook answers outside Nest, so it builds the body the filter would.
 */
export function shapeErrorBody(p: ShapeProblem, requestId: string): Record<string, unknown> {
  return { ...new ErrorFilter().toBody(shapeError(p)), requestId };
}

/**
 * A Fastify preValidation hook on the whole server: runs after the body is parsed (its size bounded by
 * the adapter's bodyLimit) and before Nest's guards and pipes.
 */
export function registerInputLimits(fastify: FastifyInstance, limits: { body?: ShapeLimits; query?: ShapeLimits } = {}): void {
  // (JSON bodies were already scanned by jsonBodyParser; this also covers forms and query strings.)
  const body = limits.body ?? BODY_LIMITS;
  const query = limits.query ?? QUERY_LIMITS;
  fastify.addHook('preValidation', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const problem =
      checkShape(req.query, query, 'query') ??
      checkShape(req.body, body, 'body') ??
      findNul(req.params, 'path') ??
      findNul(req.query, 'query') ??
      findNul(req.body, 'body');
    if (!problem) return done();
    void reply
      .status(400)
      .header('content-type', 'application/json; charset=utf-8')
      .send(shapeErrorBody(problem, String(req.id)));
  });
}

type Done = (err: Error | null, body?: unknown) => void;

/**
 * The JSON body parser registered with app.useBodyParser: scan the raw bytes against BODY_LIMITS, then
 * Fastify's own JSON parser (which keeps refusing __proto__ / constructor.prototype poisoning).
 */
export function jsonBodyParser(fastify: FastifyInstance, limits: ShapeLimits = BODY_LIMITS) {
  const parse = fastify.getDefaultJsonParser('error', 'error') as unknown as (req: FastifyRequest, body: string | Buffer, done: Done) => void;
  return (req: FastifyRequest, body: Buffer, done: Done): void => {
    const problem = scanJson(body, limits);
    if (problem) return done(shapeError(problem));
    parse(req, body, done);
  };
}
