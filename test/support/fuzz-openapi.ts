import fc from 'fast-check';

/**
 * fast-check arbitraries built from the service's own OpenAPI document (/docs-json): for one operation, a
 * request — path, query string, body (JSON, broken JSON, another content type) or multipart parts — made of
 * values the schema allows, values of the wrong type, missing and extra fields, and hostile values (NUL,
 * emoji, very long strings, huge/negative/NaN numbers, dates outside 2000–2100, existing and random ids).
 */

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
export interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  /** JSON body schema, or the multipart form's. */
  body?: { kind: 'json' | 'multipart'; schema: Schema; required: boolean };
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

/** Every operation of the document, in its order. */
export function operations(doc: OpenApiDoc): Operation[] {
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const content = op.requestBody?.content ?? {};
      const json = content['application/json'];
      const form = content['multipart/form-data'];
      const body = json
        ? { kind: 'json' as const, schema: json.schema, required: !!op.requestBody?.required }
        : form
          ? { kind: 'multipart' as const, schema: form.schema, required: !!op.requestBody?.required }
          : undefined;
      out.push({ method: method.toUpperCase(), path, parameters: op.parameters ?? [], body });
    }
  }
  return out;
}

/** Ids that exist, by the path segment before a parameter (`/tasks/{id}` → tasks); refreshed between operations. */
export type IdPools = Record<string, string[]>;

const LONG = 'x'.repeat(70_000);
/** Strings no field should choke on. */
export const WEIRD_STRINGS: string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '😀'.repeat(50),
  '𠮷野家',
  '\u202e\u0007\r\n',
  LONG,
  '0000-01-01',
  '9999-12-31',
  '1999-12-31',
  '2101-01-01',
  '2026-02-30',
  '2026-13-01',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2026-06-30T25:61:00Z',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '99999999999999999999',
  '0x1F',
  'null',
  'true',
  '__proto__',
  'constructor',
  '../../../etc/passwd',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '%00',
  '%',
  '*',
  'mine',
];
const WEIRD_NUMBERS = [0, -0, -1, 1, 0.5, -0.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 53), 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, 1e-320];

const ISO_DAY = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2110-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const NEAR_DAY = fc.integer({ min: -400, max: 400 }).map((n) => new Date(Date.UTC(2026, 2, 2) + n * 86_400_000).toISOString().slice(0, 10));
const INSTANT = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2110-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

/** A hostile value of any JSON type. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...WEIRD_STRINGS),
  fc.constantFrom<unknown>(...WEIRD_NUMBERS, null, true, false, [], {}, [null], { __proto__x: 1 }, ['\u0000'], [1, 'a', null]),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

function resolve(doc: OpenApiDoc, s: Schema | undefined): Schema {
  let cur = s ?? {};
  for (let i = 0; cur.$ref && i < 10; i++) cur = doc.components.schemas[cur.$ref.split('/').pop()!] ?? {};
  return cur;
}

const DATE_NAME = /(date|on|from|to|at|asof|by)$/i;

/** A value the schema allows (or close to it: names and examples guide it), for the field `name`. */
function plausible(doc: OpenApiDoc, schema: Schema, name: string, pools: IdPools, depth: number): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  const fromExample = s.example !== undefined ? [fc.constant(s.example)] : [];
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'number':
    case 'integer': {
      const min = s.minimum ?? -5;
      const max = s.maximum ?? 100;
      return fc.oneof(
        ...fromExample.map((a) => ({ arbitrary: a, weight: 3 })),
        { arbitrary: fc.integer({ min: Math.max(min, -5), max: Math.min(max, 100) }), weight: 3 },
        { arbitrary: fc.constantFrom(min, max, min - 1, max + 1), weight: 1 },
        { arbitrary: fc.double({ min: -10, max: 200, noNaN: true }), weight: 1 },
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      if (depth > 3) return fc.constant([]);
      return fc.array(value(doc, s.items ?? {}, name, pools, depth + 1), { maxLength: 4 });
    }
    case 'object':
      if (s.properties) return objectOf(doc, s, pools, depth);
      if (name === 'payload') {
        const payloads = Object.keys(doc.components.schemas).filter((k) => k.endsWith('Payload'));
        return fc.oneof(fc.constant({}), ...payloads.map((k) => objectOf(doc, doc.components.schemas[k], pools, depth + 1)));
      }
      return fc.oneof(...fromExample, fc.constant({}), fc.dictionary(fc.string({ maxLength: 8 }), weirdValue, { maxKeys: 4 }));
    case 'string':
    default: {
      if (s.format === 'binary') return fc.constant('');
      // An existing id for an id-like name, else the schema's example, mostly; a date for a date-like name.
      const ids = idsFor(name, pools);
      const opts: Array<{ arbitrary: fc.Arbitrary<unknown>; weight: number }> = fromExample.map((a) => ({ arbitrary: a, weight: ids.length ? 1 : 4 }));
      if (ids.length) opts.push({ arbitrary: fc.constantFrom(...ids), weight: 8 });
      if (DATE_NAME.test(name)) opts.push({ arbitrary: NEAR_DAY, weight: 3 }, { arbitrary: ISO_DAY, weight: 1 }, { arbitrary: INSTANT, weight: 2 });
      opts.push({ arbitrary: fc.string({ maxLength: 30 }), weight: 1 }, { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 1 });
      return fc.oneof(...opts);
    }
  }
}

/** Ids for a body or query field by its name (`planId` → plans, `unitId` → units, …). */
function idsFor(name: string, pools: IdPools): string[] {
  const n = name.toLowerCase();
  for (const [key, pool] of [
    ['plan', 'plans'],
    ['unit', 'units'],
    ['indicator', 'indicators'],
    ['task', 'tasks'],
    ['file', 'evidence'],
    ['group', 'groups'],
    ['user', 'users'],
    ['signer', 'users'],
    ['template', 'templates'],
    ['run', 'runs'],
  ] as const) {
    if (n.includes(key) && pools[pool]?.length) return pools[pool];
  }
  return [];
}

/** Mostly a plausible value, sometimes a hostile one. */
export function value(doc: OpenApiDoc, schema: Schema, name: string, pools: IdPools, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: plausible(doc, schema, name, pools, depth), weight: 6 }, { arbitrary: weirdValue, weight: 1 });
}

/** An object of the schema: each field present or not (required ones mostly present), sometimes an unknown one. */
function objectOf(doc: OpenApiDoc, schema: Schema, pools: IdPools, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const s = resolve(doc, schema);
  const props = Object.entries(s.properties ?? {});
  const required = new Set(s.required ?? []);
  const fields = props.map(([k, p]) =>
    fc.oneof(
      { arbitrary: value(doc, p, k, pools, depth + 1).map((v) => [k, v] as const), weight: required.has(k) ? 8 : 3 },
      { arbitrary: fc.constant(null), weight: required.has(k) ? 1 : 2 },
    ),
  );
  // Rarely an unknown field (fc.option's freq is the odds of *no* value: 1 in freq).
  const extra = fc.oneof(
    { arbitrary: fc.constant(null), weight: 9 },
    { arbitrary: fc.tuple(fc.constantFrom('extra', 'isAdmin', '__proto__', 'id', 'constructor', 'version'), weirdValue), weight: 1 },
  );
  return fc.tuple(fc.tuple(...fields), extra).map(([kv, x]) => {
    const o: Record<string, unknown> = {};
    for (const e of kv) if (e) o[e[0]] = e[1];
    if (x) Object.defineProperty(o, x[0], { value: x[1], enumerable: true, writable: true, configurable: true });
    return o;
  });
}

/** A JSON body: the schema's object mostly, else another JSON value or text that is not JSON at all. */
export function jsonBody(doc: OpenApiDoc, schema: Schema, pools: IdPools): fc.Arbitrary<{ contentType: string; text: string }> {
  const json = (v: unknown) => ({ contentType: 'application/json', text: JSON.stringify(v) ?? 'null' });
  return fc.oneof(
    { arbitrary: objectOf(doc, schema, pools, 0).map(json), weight: 12 },
    { arbitrary: weirdValue.map(json), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        { contentType: 'application/json', text: '{' },
        { contentType: 'application/json', text: '{"a":NaN}' },
        { contentType: 'application/json', text: '{"a":1e999}' },
        { contentType: 'application/json', text: '' },
        { contentType: 'application/json', text: '{"__proto__":{"polluted":1}}' },
        { contentType: 'application/json', text: '{"constructor":{"prototype":{"polluted":1}}}' },
        { contentType: 'application/json', text: '\u0000' },
        { contentType: 'application/json; charset=latin1', text: '{}' },
        { contentType: 'text/plain', text: 'hello' },
        { contentType: 'application/x-www-form-urlencoded', text: 'a=1&b=2' },
        { contentType: 'application/xml', text: '<a/>' },
      ),
      weight: 1,
    },
  );
}

/** A query string for the operation's query parameters: some given, some of the wrong kind, sometimes an unknown one. */
export function queryString(doc: OpenApiDoc, params: Parameter[], pools: IdPools): fc.Arbitrary<string> {
  const q = params.filter((p) => p.in === 'query' && p.name !== 'access_token');
  const parts = q.map((p) =>
    fc.option(
      fc
        .oneof(
          { arbitrary: plausible(doc, p.schema ?? {}, p.name, pools, 0), weight: 4 },
          { arbitrary: fc.constantFrom<unknown>(...WEIRD_STRINGS.filter((s) => s.length < 1000), ...WEIRD_NUMBERS), weight: 1 },
        )
        .map((v) => `${encodeURIComponent(p.name)}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`),
      { freq: 2 },
    ),
  );
  const extra = fc.oneof(
    { arbitrary: fc.constant(null), weight: 6 },
    { arbitrary: fc.constantFrom('unknown=1', 'page=1&page=2', 'a[b]=1', 'a[]=1&a[]=2', '__proto__[x]=1', '=', '&&', 'x=%E0%A4%A'), weight: 1 },
  );
  return fc.tuple(fc.tuple(...parts), extra).map(([ps, x]) => [...ps.filter((s): s is string => !!s), ...(x ? [x] : [])].join('&'));
}

/** The path with each parameter an existing id (mostly) or a random/hostile one, URL-encoded. */
export function pathOf(op: Operation, pools: IdPools): fc.Arbitrary<string> {
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const segments = op.path.split('/');
  const pick = names.map((name) => {
    const before = segments[segments.indexOf(`{${name}}`) - 1];
    const pool = pathPool(before, name, pools);
    const hostile = fc.oneof(
      fc.constantFrom(...WEIRD_STRINGS.filter((s) => s.length < 1000 && s !== '')),
      fc.uuid(),
      fc.integer().map(String),
      fc.string({ minLength: 1, maxLength: 20 }),
    );
    return pool.length ? fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 5 }, { arbitrary: hostile, weight: 2 }) : hostile;
  });
  return fc.tuple(...pick).map((vals) => {
    let p = op.path;
    names.forEach((n, i) => (p = p.replace(`{${n}}`, encodeURIComponent(vals[i]))));
    return p;
  });
}

function pathPool(segment: string, name: string, pools: IdPools): string[] {
  if (name === 'seq') return ['1', '2', '3', '0', '-1', '1.5', '99999999999999999999'];
  if (name === 'kind') return ['bonus', 'deduction', 'negative_list', 'veto'];
  if (name === 'unit') return [...(pools.units ?? []), 'mine'];
  const bySegment: Record<string, string> = {
    users: 'users',
    units: 'units',
    plans: 'plans',
    indicators: 'indicators',
    tasks: 'tasks',
    evidence: 'evidence',
    webhooks: 'webhooks',
    templates: 'templates',
    'bulletin-series': 'series',
    bulletins: 'bulletins',
    'urging-notices': 'notices',
    'unit-events': 'unitEvents',
  };
  return pools[bySegment[segment] ?? ''] ?? [];
}

export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  content: Buffer;
}

const FILES: Array<Pick<Part, 'filename' | 'contentType' | 'content'>> = [
  { filename: 'proof.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 到位资金凭证\n%%EOF') },
  { filename: 'x.pdf', contentType: 'application/pdf', content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 0x90)]) },
  { filename: 'notes.txt', contentType: 'text/plain', content: Buffer.from('序号\t任务\t完成时限\n1\t招商引资\t2026-12-31\n') },
  { filename: 'nul.txt', contentType: 'text/plain', content: Buffer.from('序号\t任务\t责任单位\t完成时限\n1\t招商\u0000引资\t县发改局\u0000\t2026-12-31\n') },
  { filename: 'empty.pdf', contentType: 'application/pdf', content: Buffer.alloc(0) },
  { filename: 'a\u0000b\u202e.pdf', contentType: 'text/html', content: Buffer.from('%PDF-1.4 x') },
  { filename: '../../evil.sh', contentType: 'application/x-sh', content: Buffer.from('#!/bin/sh\nrm -rf /\n') },
  {
    filename: 'table.xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    content: Buffer.from('PK\u0003\u0004broken zip'),
  },
  { filename: 'r.docx', contentType: 'application/octet-stream', content: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]) },
  { filename: '', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4') },
];

/** Multipart bodies: well formed (files and the schema's fields), no boundary, cut short, many files, odd parts. */
export function multipartBody(doc: OpenApiDoc, schema: Schema, pools: IdPools): fc.Arbitrary<{ contentType: string; body: Buffer }> {
  const s = resolve(doc, schema);
  const fields = Object.entries(s.properties ?? {}).filter(([, p]) => p.format !== 'binary');
  const file = fc.constantFrom(...FILES).map((f) => ({ name: 'file', ...f }));
  const fieldParts = fc.tuple(
    ...fields.map(([k, p]) =>
      fc.option(
        plausible(doc, p, k, pools, 0).map((v) => ({ name: k, content: Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)) })),
        { freq: 3 },
      ),
    ),
  );
  const files = fc.oneof(
    { arbitrary: fc.array(file, { minLength: 1, maxLength: 1 }), weight: 6 },
    { arbitrary: fc.array(file, { minLength: 0, maxLength: 6 }), weight: 2 },
  );
  const odd = fc.oneof(
    { arbitrary: fc.constant(null), weight: 5 },
    {
      arbitrary: fc.constantFrom<Part>(
        { name: 'other', content: Buffer.from('1') },
        { name: 'file', content: Buffer.from('not a file part') },
        { name: '', content: Buffer.from('') },
      ),
      weight: 1,
    },
  );
  // The first file, then the fields, then any further files (more than the endpoint allows) and an odd part.
  const parts = fc
    .tuple(files, fieldParts, odd)
    .map(([fl, fs, extra]): Part[] => [...fl.slice(0, 1), ...(fs.filter((x) => !!x) as Part[]), ...fl.slice(1), ...(extra ? [extra] : [])]);
  const mode = fc.constantFrom('ok', 'ok', 'ok', 'ok', 'no-boundary', 'cut', 'wrong-boundary', 'no-parts', 'bad-header');
  return fc.tuple(parts, mode).map(([ps, m]) => encodeMultipart(ps, m));
}

function encodeMultipart(parts: Part[], mode: string): { contentType: string; body: Buffer } {
  const b = 'FuzzBoundary7MA4YWxkTrZu0gW';
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const head =
      mode === 'bad-header'
        ? `--${b}\r\nContent-Disposition ${disp}\r\n\r\n`
        : `--${b}\r\nContent-Disposition: ${disp}\r\n${p.contentType ? `Content-Type: ${p.contentType}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(head, 'utf8'), p.content, Buffer.from('\r\n'));
  }
  if (mode !== 'cut') chunks.push(Buffer.from(`--${b}--\r\n`));
  let body = Buffer.concat(mode === 'no-parts' ? [Buffer.from(`--${b}--\r\n`)] : chunks);
  if (mode === 'cut') body = body.subarray(0, Math.max(1, body.length - 7));
  const contentType =
    mode === 'no-boundary'
      ? 'multipart/form-data'
      : mode === 'wrong-boundary'
        ? 'multipart/form-data; boundary=SomethingElse'
        : `multipart/form-data; boundary=${b}`;
  return { contentType, body };
}
