import { DataType, tableFromIPC, Type } from 'apache-arrow';

export interface PreviewGrid {
  columns: string[];
  /** Cell text; null for SQL NULL. Only the rows asked for are decoded. */
  rows: (string | null)[][];
}

/** Decodes at most `limit` rows of an Arrow IPC stream into display strings. */
export function gridFromIpc(bytes: Uint8Array, limit = 100): PreviewGrid {
  const table = tableFromIPC(bytes);
  const fields = table.schema.fields;
  const n = Math.min(limit, table.numRows);
  const rows: (string | null)[][] = [];
  const cols = fields.map((_, i) => table.getChildAt(i));
  for (let r = 0; r < n; r++) {
    rows.push(fields.map((f, i) => cellText(cols[i]?.get(r), f.type)));
  }
  return { columns: fields.map((f) => f.name), rows };
}

/** One value as the user expects to read it: ISO dates, exact integers, no exponent surprises. */
export function cellText(v: unknown, type: DataType): string | null {
  if (v === null || v === undefined) return null;
  switch (type.typeId) {
    case Type.Timestamp: {
      const ms = Number(v);
      return new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.000Z$|Z$/, '');
    }
    case Type.Date:
      return new Date(Number(v)).toISOString().slice(0, 10);
    case Type.Decimal:
      // Arrow gives the unscaled integer (HUGEINT arrives as DECIMAL(38,0)); place the point.
      return decimalText(String(v), DataType.isDecimal(type) ? type.scale : 0);
    default:
      break;
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

function decimalText(digits: string, scale: number): string {
  if (scale <= 0) return digits;
  const neg = digits.startsWith('-');
  const d = (neg ? digits.slice(1) : digits).padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${d.slice(0, -scale)}.${d.slice(-scale)}`;
}
