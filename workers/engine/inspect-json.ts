import type { JSONInsertOptions } from '@duckdb/duckdb-wasm/blocking';
import { DecantError } from '../../src/core/errors';
import { quotedName } from '../../src/core/quoted-name';
import { ident } from '../../src/core/sql/sql-template';
import { JsonSyntaxError, scanJsonRecords, type JsonRecords } from '../../src/core/json/json-scan';
import {
  readerFieldsOf,
  shapeNotes,
  StructShape,
  type ReaderField,
} from '../../src/core/json/json-shape';
import { positionAt } from '../../src/core/json/text-position';
import type { FileSchema } from '../../src/engine/protocol';
import { engineErrorText } from './sql-error';
import type { SqlSession } from './sql-session';

/** A JSON file's whole content and the name messages call it by. */
export interface JsonFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * Largest JSON file read. All of it is held at once: its bytes, the copy DuckDB imports from,
 * and the table (JSON has no lazy reader here).
 */
export const MAX_JSON_BYTES = 1 << 30;

/** `json: "orders.ndjson" is 1.2 GiB: …`, for content over MAX_JSON_BYTES (`size` null: gzip). */
export function jsonTooLarge(name: string, size: number | null): DecantError {
  const what = size === null ? 'inflates to over 1 GiB' : `is ${(size / 2 ** 30).toFixed(1)} GiB`;
  return new DecantError(
    `json: ${quotedName(name)} ${what}: JSON is read whole in the tab, up to 1 GiB; ` +
      'split it into several files of one table',
  );
}

/**
 * Checks and reads every record of a file, merging its fields into `root`. Throws DecantError:
 * `json: "name": line 3, column 17: Unexpected token …` (with `line`, `column`), or
 * `json: "name" is empty: …` (code 'empty'), `… is UTF-16 text …` (code 'encoding').
 */
export function recordsOf(file: JsonFile, root: StructShape): JsonRecords {
  try {
    return scanJsonRecords(file.bytes, root);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const name = quotedName(file.name);
    if (e.kind === 'empty' || e.kind === 'scalar' || e.offset < 0)
      throw new DecantError(`json: ${name} ${e.reason}`, {
        cause: e,
        code: e.kind === 'empty' ? 'empty' : e.kind === 'encoding' ? 'encoding' : undefined,
      });
    const { line, column } = positionAt(file.bytes, e.offset);
    throw new DecantError(`json: ${name}: line ${line}, column ${column}: ${e.reason}`, {
      cause: e,
      line,
      column: String(column),
      code: e.kind === 'encoding' ? 'encoding' : undefined,
    });
  }
}

/** Notes about how one file was read: its form, and where a value needed a fallback. */
export function fileNotes(file: JsonFile, r: JsonRecords): string[] {
  const notes = [
    r.format === 'ndjson'
      ? `newline-delimited JSON (NDJSON): ${r.records} record(s)`
      : `a JSON array of ${r.records} object(s)`,
  ];
  if (r.bom) notes.push('UTF-8 with a byte order mark');
  if (r.bigIntegerAt !== undefined)
    notes.push(
      `line ${positionAt(file.bytes, r.bigIntegerAt).line}: an integer beyond BIGINT's range; ` +
        'its field reads as DOUBLE (digits past the 15th or so may be lost)',
    );
  if (r.duplicateKey)
    notes.push(
      `line ${positionAt(file.bytes, r.duplicateKey.offset).line}: key ` +
        `${quotedName(r.duplicateKey.key)} appears twice in one object; the first value is kept`,
    );
  return notes;
}

let seq = 0;

/**
 * Imports record arrays (see JsonRecords.array) into the table `schema.name`, which must not
 * exist yet, with DuckDB-WASM's built-in JSON import told the columns (it would otherwise infer
 * them itself, badly: from a sample, names sorted, nested numbers as DOUBLE). Each array is
 * copied into DuckDB and dropped after its insert. Throws DuckDB's error as it is.
 */
export function importRecordArrays(
  s: SqlSession,
  target: { schema: string; name: string },
  arrays: readonly Uint8Array[],
  fields: ReaderField[],
): void {
  const conn = s.db.connect();
  try {
    arrays.forEach((bytes, i) => {
      const path = `decant-json-${++seq}.json`;
      s.db.registerFileBuffer(path, bytes);
      try {
        const options: JSONInsertOptions = {
          ...target,
          create: i === 0,
          shape: 'row-array' as JSONInsertOptions['shape'],
          columnsFlat: fields,
        };
        conn.insertJSONFromPath(path, options);
      } finally {
        s.db.dropFile(path);
      }
    });
  } finally {
    conn.close();
  }
}

/** `{ name, type }` of a table's columns, from DuckDB's DESCRIBE. */
export function describeColumns(s: SqlSession, table: string): { name: string; type: string }[] {
  return s
    .rows(`DESCRIBE ${table}`)
    .map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

/**
 * The JSON classifier over a file's bytes: every record checked and merged (see recordsOf), then
 * imported once into a scratch table whose DESCRIBE gives the column types, and dropped. The
 * row count is the number of records parsed. Throws `json:` DecantErrors.
 */
export function inspectJson(s: SqlSession, file: JsonFile): FileSchema {
  const root = new StructShape();
  const records = recordsOf(file, root);
  if (root.names.length === 0)
    throw new DecantError(`json: ${quotedName(file.name)} has only empty objects: no columns`, {
      code: 'empty',
    });
  const name = `__decant_json_${++seq}_${Math.random().toString(36).slice(2, 8)}`;
  const table = ident('main', name).text;
  try {
    importRecordArrays(s, { schema: 'main', name }, [records.array], readerFieldsOf(root));
    // No count(*) check here (it costs as much as the DESCRIBE); attachJsonTable makes it.
    const columns = describeColumns(s, table);
    const notes = [...fileNotes(file, records), ...shapeNotes(root)];
    columns.forEach((c, i) => {
      const asWritten = root.names[i];
      if (asWritten !== undefined && asWritten !== c.name)
        notes.push(
          `key ${quotedName(asWritten)} is column ${quotedName(c.name)}: DuckDB ignores case, ` +
            'and another key differs from it only in case',
        );
    });
    return { classification: 'json', columns, rowCount: records.records, notes };
  } catch (e) {
    if (e instanceof DecantError) throw e;
    const { text } = engineErrorText(e instanceof Error ? e.message : String(e), (x) => x);
    throw new DecantError(`json: ${quotedName(file.name)}: DuckDB could not import it: ${text}`, {
      cause: e,
      code: 'engine',
    });
  } finally {
    s.run(`DROP TABLE IF EXISTS ${table}`);
  }
}
