import { csvErrorFacts, DecantError, type DecantErrorCode } from '../../src/core/errors';
import { errorOffset, errorSummary, lineColumnAt } from '../../src/core/sql/error-position';
import type { SqlStatement } from '../../src/core/sql/split-statements';
import { redactUrl } from '../../src/core/remote/redact';
import type { SqlSession } from './sql-session';

/** Turns a registered file name in a message into what the user knows (table and path). */
export type Relabel = (text: string) => string;

const CSV_ERROR = /CSV Error on Line: \d+/;
/** The runtime hooks' refusal of a URL that is not a source (see refusedUrlMessage). */
const URL_REFUSED = /query: reading "[^"]*" is not allowed: add it as a source first/;
/** URLs in DuckDB's text (it echoes the path it was given): shown without their query string. */
const URL_TEXT = /\b(?:https?|s3|gcs|gs|r2|az|abfss?|hf):\/\/[^\s'"]+/gi;

function withoutCredentials(text: string): string {
  return text.replace(URL_TEXT, (url) => redactUrl(url));
}

/**
 * What went wrong, in a user's words: a CSV read error names the file (relabelled), its line
 * and the value; anything else is DuckDB's message without its `X Error:` prefix and without
 * the `LINE n:` block. Registered file names are relabelled everywhere.
 */
export function engineErrorText(
  message: string,
  relabel: Relabel,
): { text: string; code?: DecantErrorCode } {
  const refused = URL_REFUSED.exec(message);
  if (refused) return { text: refused[0] };
  if (CSV_ERROR.test(message)) {
    const f = csvErrorFacts(message);
    const file = /\n\s*file = ([^\n]+)/.exec(message)?.[1]?.trim();
    const where = file ? `file ${JSON.stringify(relabel(file))}: ` : '';
    const at = f.line !== undefined ? `line ${f.line}: ` : '';
    const code: DecantErrorCode = f.kind === 'other' ? 'engine' : f.kind;
    return { text: withoutCredentials(`${where}${at}${f.summary}`), code };
  }
  return { text: withoutCredentials(relabel(errorSummary(message))) };
}

/** Where a statement ran, to place DuckDB's error in the user's script. */
export interface StatementRun {
  /** The whole script as the user wrote it. */
  script: string;
  statement: SqlStatement;
  /** The SQL DuckDB was given, and how many characters of it precede the statement. */
  sent: string;
  prefixLength: number;
  /** Position of the statement in the script (0-based) and how many there are. */
  index: number;
  count: number;
}

/**
 * A console error as `sql: line 3: …` with `line` (1-based, in the user's script) and `column`
 * (1-based, UTF-16 code units, as a string) when DuckDB points at a place. A CSV read error is
 * placed in its file instead (message only: `line`/`column` are for the SQL). Without a place,
 * a script of several statements says which one failed and `line` is where it starts.
 */
export function explainSqlError(e: unknown, run: StatementRun, relabel: Relabel): DecantError {
  if (e instanceof DecantError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const { text, code } = engineErrorText(message, relabel);
  const sql = run.statement.text.trim();
  const offset = CSV_ERROR.test(message) ? undefined : errorOffset(message, run.sent);
  if (offset !== undefined && offset >= run.prefixLength) {
    const at = lineColumnAt(run.script, run.statement.start + offset - run.prefixLength);
    return new DecantError(`sql: line ${at.line}: ${text}`, {
      cause: e,
      line: at.line,
      column: String(at.column),
      code,
      sql,
    });
  }
  if (run.count > 1) {
    const lead = run.statement.text.search(/\S/);
    const { line } = lineColumnAt(run.script, run.statement.start + Math.max(0, lead));
    return new DecantError(
      `sql: statement ${run.index + 1} of ${run.count} (line ${line}): ${text}`,
      { cause: e, line, code, sql },
    );
  }
  return new DecantError(`sql: ${text}`, { cause: e, code, sql });
}

/**
 * Rows of a query the catalog runs for the user (statistics, cast checks); DuckDB's error
 * becomes `catalog: <what>: <text>` (see engineErrorText).
 */
export function catalogRows(
  s: SqlSession,
  sql: string,
  what: string,
  relabel: Relabel,
): Record<string, unknown>[] {
  try {
    return s.rows(sql);
  } catch (e) {
    const { text, code } = engineErrorText(e instanceof Error ? e.message : String(e), relabel);
    throw new DecantError(`catalog: ${what}: ${text}`, { cause: e, code, sql });
  }
}
