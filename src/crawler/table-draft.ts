/** A table the grouping has settled on, and the TablePlan made of it once it has a name. */
import type { ClassifiedFile } from './crawl-file';
import type { PartitionPlan, TablePlan } from './crawl-plan';
import type { FileSchema } from './merge-schemas';
import { partitionFromPath, partitionKeysFor, partitionValue } from './partition-path';
import { comparePaths } from '../core/paths/path-order';

export interface TableDraft {
  /** Made into the table name: the path that says where the table came from. */
  nameParts: string[];
  root: string;
  rootDepth: number;
  files: ClassifiedFile[];
  schema: FileSchema;
  /** What the table was made of, for messages: `sales/`, or `events.tsv`. */
  source: string;
  note?: string;
}

/**
 * A table of all `files` under the folder at `root`. The root moves down past a plain folder
 * level of one name above a Hive level (`export/sales/year=…` → root `export/sales`): such a
 * level is part of the location, not a partition with one value.
 */
export function folderTableDraft(
  nameParts: readonly string[],
  folder: { path: string; depth: number },
  files: ClassifiedFile[],
  schema: FileSchema,
): TableDraft {
  let root = folder.path;
  let rootDepth = folder.depth;
  const parts = [...nameParts];
  for (;;) {
    const segment = segmentAt(files[0]!.path, rootDepth);
    const levels = files.map((f) => partitionFromPath(f.path, rootDepth));
    if (levels[0]!.length < 2 || levels[0]![0]!.key !== null) break;
    if (!files.every((f) => segmentAt(f.path, rootDepth) === segment)) break;
    const below = partitionKeysFor(levels.map((ls) => ls.slice(1, 2)))[0]!;
    if (below.hiveKey === null) break;
    root = root === '' ? segment : `${root}/${segment}`;
    rootDepth++;
    parts.push(segment);
  }
  return { nameParts: parts, root, rootDepth, files, schema, source: `${root}/` };
}

/** The plan of `draft` under its final `name`: keys, partitions and sizes worked out. */
export function tablePlanFrom(draft: TableDraft, name: string): TablePlan {
  const { rootDepth, schema } = draft;
  const files = [...draft.files].sort((a, b) => comparePaths(a.path, b.path));
  const levels = files.map((f) => partitionFromPath(f.path, rootDepth));
  const keys = partitionKeysFor(
    levels,
    schema.columns.map((c) => c.name),
  );
  const byLocation = new Map<string, PartitionPlan>();
  if (keys.length > 0) {
    files.forEach((file, i) => {
      const location = file.path.split('/').slice(rootDepth, -1).join('/');
      let partition = byLocation.get(location);
      if (!partition) {
        const values = levels[i]!.map((level, k) => partitionValue(level, keys[k]!.hiveKey));
        partition = { values, location, files: [], sizeBytes: 0, rowCount: 0 };
        byLocation.set(location, partition);
      }
      partition.files.push(file.path);
      partition.sizeBytes += file.size;
      partition.rowCount = sumRows(partition.rowCount, file.rowCount);
    });
  }
  const partitions = [...byLocation.values()].sort((a, b) => comparePaths(a.location, b.location));
  for (const p of partitions) if (p.rowCount === undefined) delete p.rowCount;
  const rowCount = files.reduce<number | undefined>((sum, f) => sumRows(sum, f.rowCount), 0);
  return {
    name,
    root: draft.root,
    classification: schema.classification,
    formatKey: schema.formatKey,
    columns: schema.columns.map((c) => ({ name: c.name, type: c.type })),
    partitionKeys: keys.map((k) => ({ name: k.name, type: k.type })),
    partitions,
    files,
    sizeBytes: files.reduce((sum, f) => sum + f.size, 0),
    ...(rowCount === undefined ? {} : { rowCount }),
    ...(draft.note === undefined ? {} : { note: draft.note }),
  };
}

function sumRows(sum: number | undefined, rows: number | undefined): number | undefined {
  return sum === undefined || rows === undefined ? undefined : sum + rows;
}

function segmentAt(path: string, index: number): string {
  return path.split('/')[index] ?? '';
}
