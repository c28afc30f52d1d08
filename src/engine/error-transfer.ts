/**
 * The one way errors cross a worker boundary: a comlink `throw` transfer handler, registered on
 * both sides (the page's client and each worker), that keeps every field of Decant's errors —
 * `code`, `line`, `column`, `sql`, a RemoteError's `reason` and `corsRule`, the cause's message —
 * and rebuilds them as instances of their class, so `instanceof RemoteError` holds on the page.
 */
import * as Comlink from 'comlink';
import { DecantError } from '../core/errors';
import { RemoteError } from '../core/remote/remote-error';

/** An error as it crosses: its class name, message, stack and own plain fields. */
export interface WireError {
  name: string;
  message: string;
  /** True for a DecantError (or a subclass): rebuilt as one. */
  decant: boolean;
  stack?: string;
  fields: Record<string, string | number | boolean | null>;
  cause?: WireError;
}

/** Classes rebuilt by name; any other DecantError comes back as a DecantError keeping its name. */
const CLASSES: Record<string, { prototype: object }> = {
  DecantError,
  RemoteError,
};

/** Plain-data form of anything thrown (a cause chain is kept three levels deep). */
export function wireFromError(e: unknown, depth = 0): WireError {
  if (!(e instanceof Error))
    return { name: 'Error', message: String(e), decant: false, fields: {} };
  const fields: WireError['fields'] = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === 'name' || k === 'message' || k === 'stack' || k === 'cause') continue;
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v))
      fields[k] = v as string | number | boolean | null;
  }
  const wire: WireError = {
    name: e.name,
    message: e.message,
    decant: e instanceof DecantError,
    stack: e.stack,
    fields,
  };
  if (e.cause !== undefined && depth < 3) wire.cause = wireFromError(e.cause, depth + 1);
  return wire;
}

/**
 * The error a worker threw, as a DecantError (or RemoteError…) with every field it had. Errors
 * that were not Decant's (a raw DuckDB or wasm error) become DecantErrors with their message.
 */
export function errorFromWire(w: WireError): DecantError {
  const cls = (w.decant && CLASSES[w.name]) || DecantError;
  const e = Object.create(cls.prototype) as DecantError;
  const define = (key: string, value: unknown) =>
    Object.defineProperty(e, key, { value, writable: true, configurable: true, enumerable: true });
  Object.defineProperty(e, 'message', { value: w.message, writable: true, configurable: true });
  if (w.stack !== undefined)
    Object.defineProperty(e, 'stack', { value: w.stack, writable: true, configurable: true });
  define('name', w.decant ? w.name : 'DecantError');
  for (const [k, v] of Object.entries(w.fields)) define(k, v ?? undefined);
  if (w.cause)
    Object.defineProperty(e, 'cause', { value: errorFromWire(w.cause), configurable: true });
  return e;
}

const builtin = Comlink.transferHandlers.get('throw') as Comlink.TransferHandler<
  { value: unknown },
  unknown
>;

/** Replaces comlink's `throw` handler (which keeps only name, message and stack). Idempotent. */
export function registerErrorTransfer(): void {
  const handler: Comlink.TransferHandler<{ value: unknown }, WireError> = {
    canHandle: (v): v is { value: unknown } => builtin.canHandle(v),
    serialize: ({ value }) => [wireFromError(value), []],
    deserialize: (w) => {
      throw errorFromWire(w);
    },
  };
  Comlink.transferHandlers.set('throw', handler as Comlink.TransferHandler<unknown, unknown>);
}
