import { csvErrorFacts, DecantError } from '../../src/core/errors';

/** Turns DuckDB's error for a scan of `fileName` into a DecantError a user can act on. */
export function explainScanError(e: unknown, fileName: string, sql: string): DecantError {
  if (e instanceof DecantError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const f = csvErrorFacts(message);
  const at = f.line !== undefined ? `line ${f.line}: ` : '';
  const code =
    f.kind === 'cast'
      ? 'cast'
      : f.kind === 'other'
        ? 'engine'
        : (f.kind satisfies 'ragged' | 'encoding' | 'dialect');
  let hint = '';
  if (f.kind === 'cast')
    hint = ` (the type was detected from a sample; the column can be read as text instead)`;
  if (f.kind === 'encoding') hint = ' (save the file as UTF-8, or it may be Latin-1/Windows-1252)';
  return new DecantError(`csv: "${fileName}": ${at}${f.summary}${hint}`, {
    cause: e,
    line: f.line,
    column: f.column,
    code,
    sql,
  });
}
