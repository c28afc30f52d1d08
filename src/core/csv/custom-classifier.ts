/**
 * Glue's custom CSV classifier (CsvClassifier) as plain data: what a user types, how it is
 * checked field by field, and how it becomes DuckDB sniff hints and a CsvDialect. Pure.
 */
import type { ColumnInfo, CsvDialect, CsvEncoding } from './dialect';
import type { SniffHints } from './dialect';

/** Glue's ContainsHeader. UNKNOWN lets the sniffer decide. */
export type HeaderRule = 'PRESENT' | 'ABSENT' | 'UNKNOWN';

/** 'auto' detects UTF-8 (BOM or not), UTF-16 LE with BOM and Latin-1, as the built-ins do. */
export type ClassifierEncoding = 'auto' | CsvEncoding;

/** The types a column may take under Glue's CustomDatatypes, as DuckDB names them. */
export const CUSTOM_DATATYPES = [
  'BOOLEAN',
  'BIGINT',
  'DOUBLE',
  'DATE',
  'TIME',
  'TIMESTAMP',
  'VARCHAR',
] as const;
export type CustomDatatype = (typeof CUSTOM_DATATYPES)[number];

/** A classifier's settings: everything but its bookkeeping (timestamps). */
export interface CsvClassifierSettings {
  name: string;
  /** One character. */
  delimiter: string;
  /** One character, or '' for none. */
  quote: string;
  /** One character; '' (default): a doubled quote is the only escape. */
  escape: string;
  header: HeaderRule;
  /** Glue's Header: names for the columns, in order; [] (default): the header's, or col0, col1… */
  columnNames: string[];
  decimalSeparator: '.' | ',';
  /** strftime format of DATE columns, e.g. `%d.%m.%Y`; '' (default): detected. */
  dateFormat: string;
  /** strftime format of TIMESTAMP columns; '' (default): detected. */
  timestampFormat: string;
  /** Fields read as NULL, e.g. `NA`, `\N`; an empty field is always NULL as well. */
  nullValues: string[];
  encoding: ClassifierEncoding;
  /** Glue's AllowSingleColumn; false (default): a file must have two columns or more to fit. */
  allowSingleColumn: boolean;
  /** Glue's CustomDatatypes: the only types columns may take (VARCHAR always); [] (default): all. */
  customDatatypes: CustomDatatype[];
}

/** A new classifier with Glue's defaults: comma, double quote, header detected. */
export function defaultClassifier(name = ''): CsvClassifierSettings {
  return {
    name,
    delimiter: ',',
    quote: '"',
    escape: '',
    header: 'UNKNOWN',
    columnNames: [],
    decimalSeparator: '.',
    dateFormat: '',
    timestampFormat: '',
    nullValues: [],
    encoding: 'auto',
    allowSingleColumn: false,
    customDatatypes: [],
  };
}

/** What is wrong with one field of a classifier, for a message beside that field. */
export interface ClassifierProblem {
  field: keyof CsvClassifierSettings;
  message: string;
}

/**
 * A character typed in a form: itself, or an escape for one that cannot be typed (`\t`,
 * `\u0001`, `\\`). Anything else is returned unchanged, so the length check can refuse it.
 */
export function characterFromInput(text: string): string {
  if (text === '\\t') return '\t';
  if (text === '\\\\') return '\\';
  const u = /^\\u([0-9a-fA-F]{4})$/.exec(text);
  if (u) return String.fromCharCode(parseInt(u[1]!, 16));
  return text;
}

/** The inverse of characterFromInput: what a form shows for a stored character. */
export function inputFromCharacter(ch: string): string {
  if (ch === '\t') return '\\t';
  if (ch === '\\') return '\\\\';
  if (ch.length === 1 && (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f))
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return ch;
}

/** A comma-separated list typed in a form (column names, null strings): trimmed, blanks dropped. */
export function listFromInput(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** DuckDB's strftime/strptime directives (after `%`, with `-` for no padding). */
const DIRECTIVES = new Set([
  'a', 'A', 'w', 'd', '-d', 'b', 'B', 'm', '-m', 'y', '-y', 'Y', 'H', '-H', 'I', '-I', 'p',
  'M', '-M', 'S', '-S', 'g', 'f', 'n', 'z', 'Z', 'j', '-j', 'U', 'W', 'c', 'x', 'X', '%',
]); // prettier-ignore
const YEAR = ['Y', 'y', '-y', 'c', 'x'];
const TIME_OF_DAY = ['H', '-H', 'I', '-I', 'M', '-M', 'S', '-S', 'p', 'f', 'g', 'n', 'X'];

/** The directives of a format in order, or a message naming the first one DuckDB would refuse. */
function directivesOf(format: string): string[] | string {
  const out: string[] = [];
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') continue;
    const dash = format[i + 1] === '-';
    const d = dash ? `-${format[i + 2] ?? ''}` : (format[i + 1] ?? '');
    if (d === '' || d === '-') return `ends with a lone "%" (write "%%" for a percent sign)`;
    if (!DIRECTIVES.has(d)) return `"%${d}" at character ${i + 1} is not a strftime directive`;
    out.push(d);
    i += d.length;
  }
  return out;
}

/** Why `format` cannot describe a date (kind 'date') or a timestamp, or null when it looks sane. */
export function formatProblem(format: string, kind: 'date' | 'timestamp'): string | null {
  const ds = directivesOf(format);
  if (typeof ds === 'string') return ds;
  if (ds.length === 0) return 'has no % directive (e.g. %Y-%m-%d)';
  if (!ds.some((d) => YEAR.includes(d))) return 'has no year (%Y or %y)';
  const time = ds.some((d) => TIME_OF_DAY.includes(d));
  if (kind === 'date' && time && !ds.includes('x'))
    return 'has a time of day: use it as the timestamp format';
  if (kind === 'timestamp' && !time && !ds.includes('c')) return 'has no time of day (%H, %M…)';
  return null;
}

function oneCharacter(
  field: 'delimiter' | 'quote' | 'escape',
  ch: string,
  optional: boolean,
): string | null {
  if (ch === '') return optional ? null : 'is required (one character, e.g. , ; \\t | \\u0001)';
  if ([...ch].length !== 1)
    return `must be one character (got ${[...ch].length}: ${JSON.stringify(ch)})`;
  if (ch === '\n' || ch === '\r') return 'cannot be a line break';
  if (ch === '\0') return 'cannot be the NUL character';
  if (field !== 'delimiter' && ch === ' ') return 'cannot be a space';
  return null;
}

/**
 * Everything wrong with a classifier as typed, field by field; [] when it can be saved. Names
 * and formats are checked as DuckDB will read them (column names that differ only in case
 * collide there).
 */
export function classifierProblems(c: CsvClassifierSettings): ClassifierProblem[] {
  const problems: ClassifierProblem[] = [];
  const add = (field: keyof CsvClassifierSettings, message: string) =>
    problems.push({ field, message });

  if (c.name.trim() === '') add('name', 'a classifier needs a name');
  else if (c.name !== c.name.trim()) add('name', 'remove the spaces around the name');
  else if (c.name.includes('\0')) add('name', 'the name contains a NUL character');

  const delim = oneCharacter('delimiter', c.delimiter, false);
  if (delim) add('delimiter', `the delimiter ${delim}`);
  const quote = oneCharacter('quote', c.quote, true);
  if (quote) add('quote', `the quote ${quote}`);
  const escape = oneCharacter('escape', c.escape, true);
  if (escape) add('escape', `the escape ${escape}`);
  if (!delim && !quote && c.quote !== '' && c.quote === c.delimiter)
    add('quote', 'the quote cannot also be the delimiter');
  if (!delim && !escape && c.escape !== '' && c.escape === c.delimiter)
    add('escape', 'the escape cannot also be the delimiter');
  if (!escape && c.escape !== '' && c.quote === '')
    add('escape', 'an escape character needs a quote character');

  if (c.decimalSeparator !== '.' && c.decimalSeparator !== ',')
    add('decimalSeparator', 'the decimal separator is "." or ","');
  else if (c.decimalSeparator === c.delimiter)
    add('decimalSeparator', `the decimal separator "${c.decimalSeparator}" is also the delimiter`);

  if (!['PRESENT', 'ABSENT', 'UNKNOWN'].includes(c.header))
    add('header', 'the header is PRESENT, ABSENT or UNKNOWN');

  const seen = new Map<string, number>();
  c.columnNames.forEach((n, i) => {
    if (n.trim() === '') add('columnNames', `column name ${i + 1} is empty`);
    else if (n.includes('\0')) add('columnNames', `column name ${i + 1} contains a NUL character`);
    const key = n.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined && n.trim() !== '')
      add(
        'columnNames',
        `column names ${first + 1} and ${i + 1} are the same ("${n}"; case does not count)`,
      );
    else seen.set(key, i);
  });

  if (c.dateFormat !== '') {
    const p = formatProblem(c.dateFormat, 'date');
    if (p) add('dateFormat', `the date format ${p}`);
  }
  if (c.timestampFormat !== '') {
    const p = formatProblem(c.timestampFormat, 'timestamp');
    if (p) add('timestampFormat', `the timestamp format ${p}`);
  }

  c.nullValues.forEach((v, i) => {
    if (v === '') add('nullValues', `null string ${i + 1} is empty (empty fields are NULL anyway)`);
    else if (/[\r\n\0]/.test(v))
      add('nullValues', `null string ${i + 1} contains a line break or NUL`);
    else if (v.includes(c.delimiter))
      add('nullValues', `null string ${i + 1} ("${v}") contains the delimiter`);
  });

  if (!['auto', 'utf-8', 'utf-16', 'latin-1'].includes(c.encoding))
    add('encoding', `unknown encoding "${c.encoding}" (auto, utf-8, utf-16 or latin-1)`);

  for (const t of c.customDatatypes)
    if (!(CUSTOM_DATATYPES as readonly string[]).includes(t))
      add('customDatatypes', `"${t}" is not a type (${CUSTOM_DATATYPES.join(', ')})`);

  return problems;
}

/** Strings DuckDB reads as NULL under this classifier: '' first, then the user's, each once. */
export function nullValuesOf(c: Pick<CsvClassifierSettings, 'nullValues'>): string[] {
  return [...new Set(['', ...c.nullValues])];
}

/** The escape DuckDB gets: a doubled quote when none is set. */
export function escapeOf(c: Pick<CsvClassifierSettings, 'quote' | 'escape'>): string {
  return c.escape !== '' ? c.escape : c.quote;
}

/** The type candidates a column may take: the custom datatypes plus VARCHAR, or all of them. */
export function typeCandidatesOf(c: Pick<CsvClassifierSettings, 'customDatatypes'>): string[] {
  if (c.customDatatypes.length === 0) return [...CUSTOM_DATATYPES];
  return CUSTOM_DATATYPES.filter((t) => t === 'VARCHAR' || c.customDatatypes.includes(t));
}

/**
 * The sniff hints that read a file exactly as the classifier says; the sniffer only decides
 * what is left open: the header (when `header` is undefined), the column types and, when the
 * classifier has none, the date and timestamp formats. `encoding` is the file's, already
 * settled (the classifier's, or the detected one for 'auto').
 */
export function sniffHintsFromClassifier(
  c: CsvClassifierSettings,
  encoding: CsvEncoding,
  header: boolean | undefined,
): SniffHints {
  return {
    delimiter: c.delimiter,
    quote: c.quote,
    escape: escapeOf(c),
    header,
    encoding,
    decimalSeparator: c.decimalSeparator,
    dateFormat: c.dateFormat || undefined,
    timestampFormat: c.timestampFormat || undefined,
    nullValues: nullValuesOf(c),
    typeCandidates: typeCandidatesOf(c),
  };
}

/** The dialect a table read by this classifier keeps; formats found by the sniffer fill gaps. */
export function dialectFromClassifier(
  c: CsvClassifierSettings,
  found: { header: boolean; dateFormat?: string; timestampFormat?: string },
  encoding: CsvEncoding,
  compression: CsvDialect['compression'],
): CsvDialect {
  return {
    delimiter: c.delimiter,
    quote: c.quote,
    escape: escapeOf(c),
    header: found.header,
    encoding,
    decimalSeparator: c.decimalSeparator,
    dateFormat: c.dateFormat || found.dateFormat || undefined,
    timestampFormat: c.timestampFormat || found.timestampFormat || undefined,
    compression,
    nullValues: nullValuesOf(c),
  };
}

/** Glue's names for columns of a file without a header: col0, col1, … */
export function generatedColumnNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `col${i}`);
}

/**
 * What line 1 is, judged from two sniffs of the same sample: with line 1 as the header
 * (`asHeader`) and as data (`asData`). 'header' when line 1 breaks every typed column (as data
 * it turns each of them to text), 'data' when its fields are values of every typed column,
 * 'unclear' otherwise (no typed column, as in an all-text file, or mixed evidence).
 */
export function headerEvidence(
  asHeader: readonly ColumnInfo[],
  asData: readonly ColumnInfo[],
): 'header' | 'data' | 'unclear' {
  if (asHeader.length !== asData.length) return 'unclear';
  const typed = asHeader.flatMap((c, i) => (c.type === 'VARCHAR' ? [] : [i]));
  if (typed.length === 0) return 'unclear';
  if (typed.every((i) => asData[i]!.type === 'VARCHAR')) return 'header';
  if (typed.every((i) => asData[i]!.type !== 'VARCHAR')) return 'data';
  return 'unclear';
}

/** What a custom classifier made of one file (Glue: it fits with certainty, or it does not). */
export type CustomCsvVerdict =
  | {
      fits: true;
      classifier: string;
      /** The dialect to read the file (and a table of such files) with. */
      dialect: CsvDialect;
      /** Names (the classifier's, the header's, or col0…) and types checked against every row. */
      columns: ColumnInfo[];
      /** Exact: every row was read. */
      rowCount: number;
      /** e.g. "UTF-8 (with BOM)". */
      encodingLabel: string;
      /** What the settings did, e.g. "decimal comma (3,49 read as 3.49)", "\"NA\" read as NULL". */
      notes: string[];
      /**
       * What went against the classifier's word, e.g. a column widened to text by a late value,
       * a date format no column matched; a crawl repeats these under the file's path.
       */
      warnings: string[];
    }
  | {
      fits: false;
      classifier: string;
      /** Why not, e.g. "line 3: expected 3 fields, found 2". */
      reason: string;
      line?: number;
    };
