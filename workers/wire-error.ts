import { DecantError } from '../src/core/errors';
import type { WireError } from '../src/engine/protocol';

/** Errors cross comlink as plain objects; this keeps the fields the page needs to rebuild them. */
export function toWireError(e: unknown): WireError {
  if (e instanceof DecantError)
    return {
      name: e.name,
      message: e.message,
      code: e.code,
      line: e.line,
      column: e.column,
      sql: e.sql,
    };
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}
