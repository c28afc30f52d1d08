/**
 * The catalog's error messages, in one place so they read alike: `catalog: <what>`, names
 * JSON-quoted, and every failed write saying that nothing was changed.
 */
import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';

/** `"sales"."orders"`: how messages name a table. */
export function tableLabel(database: string, table: string): string {
  return `${quotedName(database)}.${quotedName(table)}`;
}

export function catalogError(message: string, cause?: unknown): DecantError {
  return new DecantError(`catalog: ${message}`, { cause });
}

export const databaseExists = (name: string) =>
  catalogError(`database ${quotedName(name)} already exists`);
export const databaseMissing = (name: string) =>
  catalogError(`database ${quotedName(name)} does not exist`);
export const tableExists = (database: string, table: string) =>
  catalogError(`table ${tableLabel(database, table)} already exists`);
export const tableMissing = (database: string, table: string) =>
  catalogError(`table ${tableLabel(database, table)} does not exist`);

/**
 * What a failed write threw, as a DecantError that says nothing was changed (the transaction
 * was aborted). Our own DecantErrors pass through; `action` says what was being done.
 */
export function failedWriteError(err: unknown, action: string): DecantError {
  if (err instanceof DecantError) return err;
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  const detail = err instanceof Error || err instanceof DOMException ? err.message : String(err);
  switch (name) {
    case 'QuotaExceededError':
      return catalogError(`the browser's storage is full (${action}); nothing was changed`, err);
    case 'DataCloneError':
      return catalogError(
        `${action}: a value cannot be stored (${detail}); nothing was changed`,
        err,
      );
    case 'ConstraintError':
      return catalogError(
        `${action}: a record with the same key already exists; nothing was changed`,
        err,
      );
    default:
      return catalogError(
        `${action} failed (${name || 'error'}: ${detail}); nothing was changed`,
        err,
      );
  }
}
