import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { DomainError, type FieldProblem } from './domain-error.js';

/** Flatten class-validator's nested errors to `a.b[0].c: reason` pairs. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = prefix ? (/^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`) : e.property;
    for (const [constraint, reason] of Object.entries(e.constraints ?? {})) {
      out.push({ field, reason: reason.startsWith('property ') ? 'unknown field' : reason, constraint });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

const OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
} as const;

/** The global pipe: unknown fields and wrong types are refused with the field named. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...OPTIONS,
    exceptionFactory: (errors) => DomainError.validation(flattenValidationErrors(errors)),
  });
}

/** Validate a plain object against a DTO class outside the pipe (e.g. an event payload chosen by its type). */
export function validateAs<T extends object>(cls: ClassConstructor<T>, value: unknown, prefix: string): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw DomainError.validation([{ field: prefix, reason: 'must be an object' }]);
  }
  const declared = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  if (declared.length === 0) {
    // A payload class with no fields: anything sent is an unknown field.
    const extra = Object.keys(value);
    if (extra.length) throw DomainError.validation(extra.map((k) => ({ field: `${prefix}.${k}`, reason: 'unknown field' })));
    return plainToInstance(cls, {});
  }
  const instance = plainToInstance(cls, value);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw DomainError.validation(flattenValidationErrors(errors, prefix));
  return instance;
}
