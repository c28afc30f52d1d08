/** How a delimited text file is laid out; the vocabulary of DuckDB's `read_csv` and Glue's CsvClassifier. */
export interface CsvDialect {
  /** Field separator, e.g. `,` `;` `\t` `|`. */
  delimiter: string;
  /** Quote character; '' for none. */
  quote: string;
  /** Escape character inside quotes; '' for none. */
  escape: string;
  header: boolean;
  encoding: CsvEncoding;
  /** '.' (default) or ','. */
  decimalSeparator: '.' | ',';
  /** strftime-style, when the sniffer found one, e.g. `%d.%m.%Y`. */
  dateFormat?: string;
  timestampFormat?: string;
  /** 'none' (default) or 'gzip'. */
  compression: 'none' | 'gzip';
  /**
   * Fields read as NULL (DuckDB's `nullstr`), e.g. `['', 'NA']`; undefined (default): only an
   * empty field is NULL. A custom classifier sets it.
   */
  nullValues?: string[];
}

/** The encodings DuckDB's CSV reader decodes without the `encodings` extension. */
export type CsvEncoding = 'utf-8' | 'utf-16' | 'latin-1';

export interface ColumnInfo {
  name: string;
  /** DuckDB type name, e.g. BIGINT, DOUBLE, VARCHAR, TIMESTAMP. */
  type: string;
}

/** What a ragged file looks like: the lines whose field count differs from the header's. */
export interface RaggedLine {
  line: number;
  expected: number;
  found: number;
}

/** How to treat rows with the wrong number of fields. 'error' (default) refuses the file. */
export type BadRowPolicy = 'error' | 'skip' | 'pad';

/** Human name of a delimiter, for the UI. */
export function delimiterLabel(d: string): string {
  switch (d) {
    case ',':
      return 'comma (,)';
    case ';':
      return 'semicolon (;)';
    case '\t':
      return 'tab';
    case '|':
      return 'pipe (|)';
    case '\u0001':
      return 'Ctrl-A (\\u0001)';
    case ' ':
      return 'space';
    default:
      return JSON.stringify(d);
  }
}

/** Options DuckDB's sniffer takes as hints; anything left out is detected. */
export interface SniffHints {
  delimiter?: string;
  encoding?: CsvDialect['encoding'];
  decimalSeparator?: ',' | '.';
  /** Rows to sample; DuckDB's default is 20,480. -1 reads the whole file. */
  sampleSize?: number;
  /** Skip rows that do not fit, so a ragged file's header still decides the shape. */
  ignoreErrors?: boolean;
  /** Quote and escape characters; '' for none. */
  quote?: string;
  escape?: string;
  /** Whether the first line is a header; undefined: detected. */
  header?: boolean;
  /** strftime formats; undefined: detected. */
  dateFormat?: string;
  timestampFormat?: string;
  /** Fields read as NULL (`nullstr`); undefined: only the empty field. */
  nullValues?: readonly string[];
  /** Column names in order (`names`); a file with more columns keeps DuckDB's names for the rest. */
  names?: readonly string[];
  /** Types a column may be detected as (`auto_type_candidates`); VARCHAR is always one. */
  typeCandidates?: readonly string[];
}
