/**
 * Column-level differences between two schemas, matched by column name, and a short human reason
 * for them (the text stored with every archived table version).
 */
import type { CatalogColumn, SchemaChange } from './model';
import { quotedName } from '../core/quoted-name';

/**
 * What changed from `before` to `after`, by column name. Order is stable: columns of `before` in
 * their order (removed, or type then comment changed), then added columns in `after`'s order.
 * Types compare case- and whitespace-insensitively, as DuckDB reads them (`double` = `DOUBLE`).
 * Column order alone is not a change here; see `sameColumnOrder`.
 */
export function diffSchemas(before: CatalogColumn[], after: CatalogColumn[]): SchemaChange[] {
  const afterByName = new Map(after.map((c) => [c.name, c]));
  const beforeNames = new Set(before.map((c) => c.name));
  const changes: SchemaChange[] = [];
  for (const old of before) {
    const next = afterByName.get(old.name);
    if (!next) {
      changes.push({ kind: 'removed', column: old });
      continue;
    }
    if (typeKey(old.type) !== typeKey(next.type))
      changes.push({ kind: 'type-changed', name: old.name, from: old.type, to: next.type });
    if (old.comment !== next.comment)
      changes.push({
        kind: 'comment-changed',
        name: old.name,
        from: old.comment,
        to: next.comment,
      });
  }
  for (const c of after) if (!beforeNames.has(c.name)) changes.push({ kind: 'added', column: c });
  return changes;
}

/** True when both schemas list the same names in the same order (types aside). */
export function sameColumnOrder(before: CatalogColumn[], after: CatalogColumn[]): boolean {
  return before.length === after.length && before.every((c, i) => c.name === after[i]?.name);
}

/** How many changes `describeChanges` spells out before summing up the rest. */
const DESCRIBED_CHANGES = 5;

/**
 * `column "price": DOUBLE → DECIMAL(10,2); added "note"`. Names are JSON-quoted, so a name with
 * quotes or newlines stays unambiguous. Long lists end in `; … and 12 more`.
 */
export function describeChanges(changes: SchemaChange[]): string {
  if (changes.length === 0) return 'no column changes';
  const parts = changes.slice(0, DESCRIBED_CHANGES).map(describeChange);
  const rest = changes.length - DESCRIBED_CHANGES;
  if (rest > 0) parts.push(`… and ${rest} more`);
  return parts.join('; ');
}

function describeChange(change: SchemaChange): string {
  switch (change.kind) {
    case 'added':
      return `added ${quotedName(change.column.name)}`;
    case 'removed':
      return `removed ${quotedName(change.column.name)}`;
    case 'type-changed':
      return `column ${quotedName(change.name)}: ${change.from} → ${change.to}`;
    case 'comment-changed':
      return `comment on ${quotedName(change.name)} changed`;
  }
}

/** `struct(a int,b  int)` and `STRUCT(a INT, b INT)` are one type to DuckDB. */
function typeKey(type: string): string {
  return type
    .replace(/\s+/g, ' ')
    .replace(/ ?([(),[\]]) ?/g, '$1')
    .trim()
    .toUpperCase();
}
