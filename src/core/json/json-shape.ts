/**
 * The type of a JSON field as the records show it, merged over every record (never a sample),
 * and how DuckDB-WASM's JSON import is told to read it. The rules follow DuckDB's `read_json`:
 * integers widen to DOUBLE; scalars of different kinds (a number and a string) read as VARCHAR;
 * objects or arrays mixed with anything else read as VARCHAR holding their JSON text; the fields
 * of objects are unioned, in the order they first appear.
 */

/** `text`: scalars of different kinds; `json`: objects or arrays mixed with other values. */
export type ScalarKind = 'null' | 'boolean' | 'bigint' | 'double' | 'string' | 'text' | 'json';

export interface ScalarShape {
  readonly kind: ScalarKind;
}

export interface ListShape {
  readonly kind: 'list';
  /** Undefined while only empty lists have been seen. */
  element: Shape | undefined;
}

/** An object's fields in order of first appearance; mutated in place while records are scanned. */
export class StructShape {
  readonly kind = 'struct';
  readonly names: string[] = [];
  readonly types: (Shape | undefined)[] = [];
  /** Each key's bytes as first written (escapes and all), for a lookup without decoding. */
  readonly raw: Uint8Array[] = [];
  /** Serial of the object that last set each field: a repeat within one object is a duplicate. */
  readonly seen: number[] = [];
  private readonly index = new Map<string, number>();

  /** The field's position, adding it at the end when new. */
  field(name: string, raw: Uint8Array): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.index.set(name, i);
      this.names.push(name);
      this.types.push(undefined);
      this.raw.push(raw.slice());
      this.seen.push(-1);
    }
    return i;
  }
}

export type Shape = ScalarShape | ListShape | StructShape;

const scalar = (kind: ScalarKind): ScalarShape => Object.freeze({ kind });
export const NULL_SHAPE = scalar('null');
export const BOOLEAN_SHAPE = scalar('boolean');
export const BIGINT_SHAPE = scalar('bigint');
export const DOUBLE_SHAPE = scalar('double');
export const STRING_SHAPE = scalar('string');
export const TEXT_SHAPE = scalar('text');
export const JSON_SHAPE = scalar('json');

const isNumber = (k: string) => k === 'bigint' || k === 'double';

/** What a field is once it also holds the scalar `s` (a JSON null changes nothing seen before). */
export function mergeScalar(slot: Shape | undefined, s: ScalarShape): Shape {
  if (slot === undefined || slot.kind === 'null') return s;
  if (s.kind === 'null' || slot.kind === s.kind) return slot;
  if (slot.kind === 'json' || slot.kind === 'list' || slot.kind === 'struct') return JSON_SHAPE;
  if (isNumber(slot.kind) && isNumber(s.kind)) return DOUBLE_SHAPE;
  return TEXT_SHAPE;
}

/** A column type in the form `insertJSONFromPath`'s `columnsFlat` takes (DuckDB-WASM's SQLType). */
export interface ReaderType {
  sqlType: 'bool' | 'int64' | 'float64' | 'utf8' | 'list' | 'struct';
  valueType?: ReaderType;
  fields?: ReaderField[];
}

export interface ReaderField extends ReaderType {
  name: string;
}

/**
 * The import's column types for a shape. Fields never seen with a value, lists never seen with
 * an element and objects never seen with a key have no DuckDB type of their own: they read as
 * VARCHAR (`VARCHAR[]` for the lists).
 */
export function readerTypeOf(shape: Shape | undefined): ReaderType {
  switch (shape?.kind) {
    case 'boolean':
      return { sqlType: 'bool' };
    case 'bigint':
      return { sqlType: 'int64' };
    case 'double':
      return { sqlType: 'float64' };
    case 'list':
      return { sqlType: 'list', valueType: readerTypeOf(shape.element) };
    case 'struct':
      if (shape.names.length === 0) return { sqlType: 'utf8' };
      return { sqlType: 'struct', fields: readerFieldsOf(shape) };
    default:
      return { sqlType: 'utf8' };
  }
}

/** The import's columns for a record shape, in order of first appearance. */
export function readerFieldsOf(shape: StructShape): ReaderField[] {
  return shape.names.map((name, i) => ({ name, ...readerTypeOf(shape.types[i]) }));
}

const PLAIN_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * The DuckDB type a shape reads as, e.g. `STRUCT(sku VARCHAR, qty BIGINT)[]`. Field names are
 * double-quoted unless plain lowercase identifiers; DuckDB also quotes keywords (`"key"`), so
 * compare with DuckDB's own text only after it has normalized both.
 */
export function duckdbTypeOf(shape: Shape | undefined): string {
  switch (shape?.kind) {
    case 'boolean':
      return 'BOOLEAN';
    case 'bigint':
      return 'BIGINT';
    case 'double':
      return 'DOUBLE';
    case 'list':
      return `${duckdbTypeOf(shape.element)}[]`;
    case 'struct': {
      if (shape.names.length === 0) return 'VARCHAR';
      const fields = shape.names.map((n, i) => `${fieldName(n)} ${duckdbTypeOf(shape.types[i])}`);
      return `STRUCT(${fields.join(', ')})`;
    }
    default:
      return 'VARCHAR';
  }
}

function fieldName(name: string): string {
  return PLAIN_NAME.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/**
 * Sentences for the fields whose type is a fallback (mixed kinds, only nulls, only empty lists
 * or objects), each naming the field by its path: `items[].sku`, `customer.email`.
 */
export function shapeNotes(root: StructShape): string[] {
  const notes: string[] = [];
  const visit = (shape: Shape | undefined, path: string) => {
    const at = JSON.stringify(path);
    switch (shape?.kind) {
      case undefined:
      case 'null':
        notes.push(`${at} is null in every record: read as VARCHAR`);
        return;
      case 'text':
        notes.push(
          `${at} holds values of different kinds (e.g. numbers and text): read as VARCHAR`,
        );
        return;
      case 'json':
        notes.push(`${at} mixes objects or lists with other values: read as VARCHAR (JSON text)`);
        return;
      case 'list':
        if (shape.element === undefined)
          notes.push(`${at} is an empty list in every record: read as VARCHAR[]`);
        else visit(shape.element, `${path}[]`);
        return;
      case 'struct':
        if (shape.names.length === 0 && path !== '')
          notes.push(`${at} is an empty object in every record: read as VARCHAR`);
        shape.names.forEach((n, i) => visit(shape.types[i], path === '' ? n : `${path}.${n}`));
        return;
      default:
        return;
    }
  };
  visit(root, '');
  return notes;
}
