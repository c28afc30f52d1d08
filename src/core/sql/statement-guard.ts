import { leadingTokens } from './split-statements';

/**
 * The SQL console runs what the user types, except what would let the engine reach the network
 * behind the user's back: installing or loading extensions (DuckDB-WASM fetches them from
 * DuckDB's extension host; in Node it hangs), and changing the settings that keep that off.
 */

const EXTENSION_MESSAGE =
  'extensions cannot be installed or loaded here: Decant works offline, with what is built in';

/** Settings that guard network access; SET, RESET and PRAGMA on them are refused. */
const GUARDED_SETTING =
  /extension|repository|external_access|lock_configuration|filesystem|allowed_(paths|directories)/i;

/** Why the statement is refused, or null when it may run. */
export function refusedStatement(text: string): string | null {
  const [first, second, third] = leadingTokens(text, 3);
  if (first?.kind !== 'word') return null;
  const kw = first.text.toUpperCase();
  const next = second?.text.toUpperCase();
  if (kw === 'INSTALL' || kw === 'LOAD' || (kw === 'FORCE' && next === 'INSTALL'))
    return EXTENSION_MESSAGE;
  if (kw === 'UPDATE' && next === 'EXTENSIONS') return EXTENSION_MESSAGE;
  if (kw !== 'SET' && kw !== 'RESET' && kw !== 'PRAGMA') return null;
  const scoped = second?.kind === 'word' && ['GLOBAL', 'SESSION', 'LOCAL'].includes(next ?? '');
  const name = scoped ? third : second;
  if (!name || (name.kind !== 'word' && name.kind !== 'ident')) return null;
  if (kw === 'RESET' && name.kind === 'word' && name.text.toUpperCase() === 'ALL')
    return 'RESET ALL would turn extension autoloading back on, so it is not allowed';
  if (GUARDED_SETTING.test(name.text))
    return `the setting ${name.text} is fixed: Decant's engine never reaches the network`;
  return null;
}

/** Words that start (or, after a WITH, lead to) a statement that can change a table's rows. */
const WRITING = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'TRUNCATE',
  'ALTER',
  'DROP',
  'CREATE',
  'COPY',
  'IMPORT',
  'ATTACH',
  'DETACH',
  'CALL',
]);

/**
 * Whether `text` (one or more statements) may change a table: any of those words outside
 * strings and quoted names. Errs towards yes (a column named `copy` counts): a yes only costs
 * a reload.
 */
export function mayWrite(text: string): boolean {
  return leadingTokens(text, Infinity).some(
    (t) => t.kind === 'word' && WRITING.has(t.text.toUpperCase()),
  );
}
