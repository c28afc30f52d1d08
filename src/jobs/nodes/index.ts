import type { NodeKind } from '../model';
import { addCurrentTimestamp } from './add-current-timestamp';
import { aggregate } from './aggregate';
import { catalogSource } from './catalog-source';
import { changeSchema } from './change-schema';
import { concatenateColumns } from './concatenate-columns';
import { derivedColumn } from './derived-column';
import { detectSensitiveData } from './detect-sensitive-data';
import { dropDuplicates } from './drop-duplicates';
import { dropFields } from './drop-fields';
import { dropNullFields } from './drop-null-fields';
import { evaluateDataQuality } from './evaluate-data-quality';
import { explode } from './explode';
import { fileSource } from './file-source';
import { fillMissingValues } from './fill-missing-values';
import { filter } from './filter';
import { flatten } from './flatten';
import { formatTimestamp } from './format-timestamp';
import { identifier } from './identifier';
import { join } from './join';
import { limit } from './limit';
import type { NodeModule } from './node-module';
import { pivot } from './pivot';
import { renameField } from './rename-field';
import { selectFields } from './select-fields';
import { splitString } from './split-string';
import { sqlQuery } from './sql-query';
import { target } from './target';
import { toTimestamp } from './to-timestamp';
import { union } from './union';
import { unpivot } from './unpivot';

/** Every kind of node, in palette order: sources, transforms, the target. */
export const NODE_MODULES: { readonly [K in NodeKind]: NodeModule<K> } = {
  'catalog-source': catalogSource,
  'file-source': fileSource,
  'change-schema': changeSchema,
  'select-fields': selectFields,
  'drop-fields': dropFields,
  'rename-field': renameField,
  filter,
  join,
  union,
  aggregate,
  'derived-column': derivedColumn,
  'fill-missing-values': fillMissingValues,
  'drop-null-fields': dropNullFields,
  'drop-duplicates': dropDuplicates,
  'split-string': splitString,
  'concatenate-columns': concatenateColumns,
  pivot,
  unpivot,
  flatten,
  explode,
  'to-timestamp': toTimestamp,
  'format-timestamp': formatTimestamp,
  'add-current-timestamp': addCurrentTimestamp,
  identifier,
  limit,
  'sql-query': sqlQuery,
  'evaluate-data-quality': evaluateDataQuality,
  'detect-sensitive-data': detectSensitiveData,
  target,
};

/** The module of a kind, or undefined for a kind this version does not know. */
export function nodeModule(kind: string): NodeModule<NodeKind> | undefined {
  return Object.hasOwn(NODE_MODULES, kind)
    ? (NODE_MODULES[kind as NodeKind] as unknown as NodeModule<NodeKind>)
    : undefined;
}
