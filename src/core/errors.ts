/**
 * An error a user can act on: the message starts with the domain and names the file, and `line`
 * and `column` say where, when known. `domain` holds that first word as a field, and `detail` the
 * message without it, so code that rewords an error never parses the message back.
 */
export class DecantError extends Error {
  override name = 'DecantError';
  /** Which part of Decant speaks: `catalog`, `crawler`, `job`, `csv`… (the message's first word). */
  readonly domain?: string;
  readonly line?: number;
  readonly column?: string;
  /** A machine-readable reason the UI can offer a fix for. */
  readonly code?: DecantErrorCode;
  /** The DuckDB SQL that failed, for the details view; never contains file bytes. */
  readonly sql?: string;

  constructor(
    message: string,
    opts: {
      cause?: unknown;
      line?: number;
      column?: string;
      code?: DecantErrorCode;
      sql?: string;
      /** Prefixed to the message (`domain: …`) unless it already starts with it. */
      domain?: string;
    } = {},
  ) {
    const domain = opts.domain ?? DOMAIN_PREFIX.exec(message)?.[1];
    super(
      opts.domain && !message.startsWith(`${opts.domain}: `)
        ? `${opts.domain}: ${message}`
        : message,
      { cause: opts.cause },
    );
    this.domain = domain;
    this.line = opts.line;
    this.column = opts.column;
    this.code = opts.code;
    this.sql = opts.sql;
  }

  /** The message without its `domain: ` prefix, to wrap in another domain's words. */
  get detail(): string {
    return this.domain && this.message.startsWith(`${this.domain}: `)
      ? this.message.slice(this.domain.length + 2)
      : this.message;
  }
}

/** A message's leading `word: ` (lower-case letters and dashes) names its domain. */
const DOMAIN_PREFIX = /^([a-z][a-z-]*): /;

export type DecantErrorCode =
  | 'empty'
  | 'binary'
  | 'encoding'
  | 'ragged'
  | 'cast'
  | 'dialect'
  | 'cancelled'
  | 'row-mismatch'
  | 'storage-full'
  | 'engine';

/** What a DuckDB CSV error message says, in parts. */
export interface CsvErrorFacts {
  /** The first line of DuckDB's message without its "X Error:" prefix. */
  summary: string;
  line?: number;
  column?: string;
  value?: string;
  targetType?: string;
  kind: 'cast' | 'ragged' | 'encoding' | 'dialect' | 'other';
}

/** Picks the facts out of a DuckDB CSV error message (DuckDB 1.4 wording). */
export function csvErrorFacts(message: string): CsvErrorFacts {
  const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  const cast =
    /Error when converting column "((?:[^"]|"")*)"\. Could not convert string "((?:[^"]|"")*)" to '([^']+)'/.exec(
      message,
    );
  const fields = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  const firstLine = (message.split('\n')[0] ?? message).replace(/^[A-Za-z ]+Error: /, '');
  const facts: CsvErrorFacts = {
    summary: firstLine,
    line: line ? Number(line) : undefined,
    kind: 'other',
  };
  if (cast) {
    return {
      ...facts,
      kind: 'cast',
      column: cast[1]!.replaceAll('""', '"'),
      value: cast[2]!.replaceAll('""', '"'),
      targetType: cast[3],
      summary: `column "${cast[1]}": "${cast[2]}" is not a ${cast[3]}`,
    };
  }
  if (fields) {
    return {
      ...facts,
      kind: 'ragged',
      summary: `expected ${fields[1]} fields, found ${fields[2]}`,
    };
  }
  if (/Invalid unicode|not utf-8 encoded/i.test(message)) {
    return { ...facts, kind: 'encoding', summary: 'the text is not valid UTF-8' };
  }
  if (/not possible to automatically detect the CSV parsing dialect/.test(message)) {
    return { ...facts, kind: 'dialect', summary: 'no consistent delimiter and quoting found' };
  }
  return facts;
}
