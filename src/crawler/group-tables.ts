/**
 * From classified files to the tables a crawl would make: Glue's grouping, made explainable.
 *
 * Each folder, from the top, is a candidate table root. A folder is one table when every file
 * below it sits at the same depth (the levels between are its partitions) and all their schemas
 * merge (see `mergeSchemas`). Otherwise it is split, and the split says why in each part's
 * `note`: its sub-folders are candidates in turn, named after their path (`sales_year_2024`),
 * and the files directly in it form tables of their own. One exception keeps the common
 * `sales/part.csv` beside `sales/year=…/` from splitting all years apart: when the sub-folders
 * alone make one table, they stay one, and the loose files become their own tables.
 *
 * The crawl root is a drop of several things, not a dataset, unless `rootName` says it is one:
 * each dropped folder is a candidate named after itself, and loose files make one table per
 * group of files whose schemas merge *and* whose names start with the same word
 * (`sales-01.csv` + `sales-02.csv` → `sales`), because equal columns alone do not make
 * `customers.csv` and `suppliers.csv` one dataset. A single file makes a table of its stem.
 *
 * A folder level of one plain name above a Hive level (`export/sales/year=…/`) is part of the
 * location, not a partition of one value: the table root moves down to `export/sales`.
 */
import { DecantError } from '../core/errors';
import type { ClassifiedFile } from './crawl-file';
import type { CrawlOptions, CrawlPlan } from './crawl-plan';
import { filesUnder, folderTree, type Folder } from './folder-tree';
import { tableFormatKey } from '../core/csv/format-key';
import { mergeSchemas, type FileSchema } from './merge-schemas';
import { comparePaths } from '../core/paths/path-order';
import { filterCrawlFiles } from './skip-rules';
import { folderTableDraft, tablePlanFrom, type TableDraft } from './table-draft';
import { commonWords, fileStem, stemWords, tableNameFrom, uniqueNames } from './table-names';

export type { CrawlOptions, CrawlPlan, PartitionPlan, TablePlan } from './crawl-plan';

/** Loose files on their way to one table: `words` are the first words all their names share. */
interface LooseGroup {
  files: ClassifiedFile[];
  schema: FileSchema;
  words: string[];
  /** Signatures already merged into `schema`. */
  seen: Set<string>;
}

type Verdict = { ok: true; schema: FileSchema } | { ok: false; reason: string };

/** How many tables a threshold error names before summing up. */
const LISTED_TABLES = 10;

/**
 * The tables `files` make, skipped files with reasons, all sorted. Pure and deterministic: the
 * same files in any order give the same plan. Throws a DecantError for a malformed exclusion
 * glob, a threshold that is not a whole number ≥ 1, or more tables than the threshold.
 */
export function groupTables(files: readonly ClassifiedFile[], opts: CrawlOptions = {}): CrawlPlan {
  const threshold = opts.tableThreshold;
  if (threshold !== undefined && !(Number.isInteger(threshold) && threshold >= 1)) {
    throw new DecantError(
      `crawler: the table threshold must be a whole number ≥ 1, not ${threshold}`,
    );
  }
  const { kept, skipped } = filterCrawlFiles(files, opts.exclusions);
  const sorted = [...kept].sort((a, b) => comparePaths(a.path, b.path));
  const planner = new Planner(opts.combineCompatibleSchemas ?? true);
  const root = folderTree(sorted);
  const drafts =
    opts.rootName === undefined
      ? planner.planFolder(root, [], true, 'the crawl root')
      : planner.planFolder(root, [opts.rootName], false, JSON.stringify(opts.rootName));

  const names = uniqueNames(drafts.map((d) => tableNameFrom(d.nameParts, opts.tablePrefix)));
  if (threshold !== undefined && drafts.length > threshold) {
    throw thresholdError(drafts, names, threshold);
  }
  const tables = drafts.map((d, i) => {
    const plan = tablePlanFrom(d, names[i]!);
    // Which characters the files lack only matters while grouping: the same data, listed in
    // another order, may have been classified with other templates.
    return { ...plan, formatKey: tableFormatKey(plan.formatKey) };
  });
  return {
    tables: tables.sort((a, b) => comparePaths(a.name, b.name)),
    skipped: skipped.sort(
      (a, b) => comparePaths(a.path, b.path) || a.reason.localeCompare(b.reason),
    ),
  };
}

class Planner {
  /** Files with one signature have one schema; merging is done once per signature. */
  private readonly signatures = new Map<ClassifiedFile, string>();

  constructor(private readonly combine: boolean) {}

  planFolder(
    folder: Folder,
    nameParts: string[],
    isContainer: boolean,
    label: string,
  ): TableDraft[] {
    const all = filesUnder(folder);
    if (all.length === 0) return [];
    let splitNote: string | undefined;
    if (!isContainer) {
      const whole = this.tableVerdict(all);
      if (whole.ok) return [folderTableDraft(nameParts, folder, all, whole.schema)];
      splitNote = `${label} is not one table: ${whole.reason}`;
    }
    const nested = all.slice(folder.files.length); // filesUnder lists the folder's own first
    if (!isContainer && folder.files.length > 0 && nested.length > 0) {
      const partitioned = this.tableVerdict(nested);
      if (partitioned.ok) {
        const beside = `files directly in ${label} sit beside its partition folders, so they are not partitions of it`;
        return [
          folderTableDraft(nameParts, folder, nested, partitioned.schema),
          ...this.looseFileTables(folder, nameParts, beside),
        ];
      }
    }
    const drafts = this.looseFileTables(folder, nameParts, splitNote);
    for (const sub of folder.folders) {
      const parts = [...nameParts, sub.name];
      for (const draft of this.planFolder(sub, parts, false, JSON.stringify(sub.path))) {
        drafts.push(draft.note || !splitNote ? draft : { ...draft, note: splitNote });
      }
    }
    return drafts;
  }

  /** Whether `files` can be one table: all at one depth (so that levels are partitions), schemas merged. */
  private tableVerdict(files: ClassifiedFile[]): Verdict {
    const first = files[0]!;
    const depth = segmentCount(first.path);
    const other = files.find((f) => segmentCount(f.path) !== depth);
    if (other) {
      const pair = `${JSON.stringify(first.path)} and ${JSON.stringify(other.path)}`;
      return { ok: false, reason: `files sit at different folder depths: ${pair}` };
    }
    return this.mergedSchema(files);
  }

  private mergedSchema(files: ClassifiedFile[]): Verdict {
    const first = files[0]!;
    const seen = new Set([this.signature(first)]);
    let schema = schemaOf(first);
    for (const file of files) {
      const signature = this.signature(file);
      if (seen.has(signature)) continue;
      seen.add(signature);
      const merged = mergeSchemas(schema, file, this.combine);
      if (!merged.ok) {
        const pair = `${JSON.stringify(file.path)} and ${JSON.stringify(first.path)}`;
        return { ok: false, reason: `${pair} cannot share a table: ${merged.reason}` };
      }
      schema = {
        ...schema,
        columns: merged.columns,
        formatKey: merged.formatKey ?? schema.formatKey,
      };
    }
    return { ok: true, schema };
  }

  /** The files directly in `folder`, grouped by merging schema and shared first name words. */
  private looseFileTables(folder: Folder, nameParts: string[], note?: string): TableDraft[] {
    const groups: LooseGroup[] = [];
    const byFirstWord = new Map<string, LooseGroup[]>();
    for (const file of folder.files) {
      const words = stemWords(baseName(file.path));
      const signature = this.signature(file);
      const candidates = words.length > 0 ? (byFirstWord.get(words[0]!) ?? []) : [];
      const group = candidates.find((g) => this.joins(g, file, signature));
      if (group) {
        group.files.push(file);
        group.words = commonWords(group.words, words);
        continue;
      }
      const created = { files: [file], schema: schemaOf(file), words, seen: new Set([signature]) };
      groups.push(created);
      if (words.length === 0) continue;
      const sameWord = byFirstWord.get(words[0]!);
      if (sameWord) sameWord.push(created);
      else byFirstWord.set(words[0]!, [created]);
    }
    return groups.map(({ files, schema, words }) => {
      const first = files[0]!.path;
      return {
        nameParts: [...nameParts, files.length === 1 ? fileStem(baseName(first)) : words.join('_')],
        root: folder.path,
        rootDepth: folder.depth,
        files,
        schema,
        source: files.length === 1 ? first : `${first} and ${files.length - 1} more`,
        note,
      };
    });
  }

  /** Whether `file` fits `group`'s schema; if so, the group's schema now includes it. */
  private joins(group: LooseGroup, file: ClassifiedFile, signature: string): boolean {
    if (group.seen.has(signature)) return true;
    const merged = mergeSchemas(group.schema, file, this.combine);
    if (!merged.ok) return false;
    group.schema = {
      ...group.schema,
      columns: merged.columns,
      formatKey: merged.formatKey ?? group.schema.formatKey,
    };
    group.seen.add(signature);
    return true;
  }

  private signature(file: ClassifiedFile): string {
    let signature = this.signatures.get(file);
    if (signature === undefined) {
      const columns = file.columns.map((c) => [c.name, c.type]);
      signature = JSON.stringify([file.classification, file.formatKey, columns]);
      this.signatures.set(file, signature);
    }
    return signature;
  }
}

function thresholdError(drafts: TableDraft[], names: string[], threshold: number): DecantError {
  const listed = drafts.slice(0, LISTED_TABLES).map((d, i) => `${names[i]} (${d.source})`);
  if (drafts.length > LISTED_TABLES) listed.push(`… and ${drafts.length - LISTED_TABLES} more`);
  const why = drafts.find((d) => d.note)?.note;
  return new DecantError(
    `crawler: this crawl would make ${drafts.length} tables, more than the threshold of ${threshold}: ` +
      `${listed.join(', ')}.${why ? ` The first split: ${why}.` : ''} ` +
      'Raise the threshold, exclude what should not be crawled, or make the schemas agree.',
  );
}

function schemaOf(file: ClassifiedFile): FileSchema {
  return { classification: file.classification, formatKey: file.formatKey, columns: file.columns };
}

function segmentCount(path: string): number {
  let n = 1;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 47) n++;
  return n;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
