import type { FieldError } from './scoring.error.js';

type Obj = Record<string, unknown>;

export interface NumberRule {
  required?: boolean;
  /** inclusive lower bound */
  min?: number;
  /** exclusive lower bound */
  gt?: number;
  /** inclusive upper bound */
  max?: number;
  integer?: boolean;
}

/**
 * Small field-by-field validator that collects every problem with its path
 * (`composition.parts[1].weight`), instead of stopping at the first one.
 */
export class Checker {
  constructor(
    readonly errors: FieldError[] = [],
    private readonly prefix = '',
  ) {}

  /** A checker whose paths are prefixed by `field` and which shares this one's error list. */
  at(field: string | number): Checker {
    return new Checker(this.errors, this.path(field));
  }

  path(field: string | number): string {
    if (typeof field === 'number') return `${this.prefix}[${field}]`;
    if (field === '') return this.prefix;
    return this.prefix ? `${this.prefix}.${field}` : field;
  }

  fail(field: string | number, code: string, message: string): void {
    const path = this.path(field);
    this.errors.push({ field: path, code, message: `${path || 'value'}: ${message}` });
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  isObject(value: unknown, field: string | number = ''): value is Obj {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(field, 'type', 'must be an object');
      return false;
    }
    return true;
  }

  /** Forbids fields other than `allowed` (the house rule: unknown fields are refused, not ignored). */
  noUnknown(obj: Obj, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.fail(key, 'unknown_field', `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }

  number(obj: Obj, key: string, rule: NumberRule = {}): number | undefined {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (rule.required) this.fail(key, 'required', 'is required');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.fail(key, 'type', 'must be a finite number');
      return undefined;
    }
    if (rule.integer && !Number.isInteger(v)) {
      this.fail(key, 'integer', `must be a whole number (got ${v})`);
      return undefined;
    }
    if (rule.min !== undefined && v < rule.min) {
      this.fail(key, 'range', `must be ≥ ${rule.min} (got ${v})`);
      return undefined;
    }
    if (rule.gt !== undefined && v <= rule.gt) {
      this.fail(key, 'range', `must be > ${rule.gt} (got ${v})`);
      return undefined;
    }
    if (rule.max !== undefined && v > rule.max) {
      this.fail(key, 'range', `must be ≤ ${rule.max} (got ${v})`);
      return undefined;
    }
    return v;
  }

  boolean(obj: Obj, key: string, fallback: boolean): boolean {
    const v = obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') {
      this.fail(key, 'type', 'must be true or false');
      return fallback;
    }
    return v;
  }

  string(obj: Obj, key: string, required = true): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (required) this.fail(key, 'required', 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      this.fail(key, 'type', 'must be a non-empty string');
      return undefined;
    }
    return v;
  }

  oneOf<T extends string>(obj: Obj, key: string, values: readonly T[], fallback?: T): T | undefined {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) this.fail(key, 'required', `is required (one of: ${values.join(', ')})`);
      return fallback;
    }
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.fail(key, 'enum', `must be one of: ${values.join(', ')} (got ${JSON.stringify(v)})`);
      return undefined;
    }
    return v as T;
  }

  array(obj: Obj, key: string, required = true, minLength = 0): unknown[] | undefined {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (required) this.fail(key, 'required', 'is required');
      return undefined;
    }
    if (!Array.isArray(v)) {
      this.fail(key, 'type', 'must be an array');
      return undefined;
    }
    if (v.length < minLength) {
      this.fail(key, 'length', `needs at least ${minLength} item(s)`);
      return undefined;
    }
    return v;
  }

  /** Checks that the `key` field of every item is unique. */
  uniqueKeys(items: readonly { key?: string }[], field: string, what = 'key'): void {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (item.key === undefined) return;
      if (seen.has(item.key)) this.at(field).at(i).fail(what, 'duplicate', `duplicate ${what} "${item.key}"`);
      seen.add(item.key);
    });
  }
}
