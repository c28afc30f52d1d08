/**
 * The Data Catalog's tables as the scripts read them: the catalog's own settings, and where
 * their files are. A table of S3 or HTTP files is at its URLs' common folder; one whose files
 * are on this computer (a folder the tab opened, or its private storage) gets a placeholder
 * location the script asks the user to set.
 */
import { dialectFromParameters, type CatalogTable } from '../catalog';
import type { ScriptTable } from './script-model';

/** The folder holding every URL: `s3://b/sales/` for `s3://b/sales/year=2024/a.csv` with path `year=2024/a.csv`. */
function urlRoot(t: CatalogTable): string | null {
  const roots = new Set<string>();
  for (const s of t.sources) {
    if (s.kind !== 'url' || !s.url.endsWith(s.path)) return null;
    roots.add(s.url.slice(0, s.url.length - s.path.length).replace(/\/$/, ''));
  }
  return roots.size === 1 ? [...roots][0]! : null;
}

/** What the files' names end with (`.csv.gz`, `.parquet`), from the table's first file. */
function suffixOf(t: CatalogTable): string {
  const name = t.sources[0]?.path.split('/').pop() ?? '';
  const m = /(\.[A-Za-z0-9]+(?:\.(?:gz|gzip|zst))?)$/.exec(name);
  if (m) return m[1]!;
  return t.classification === 'json' ? '.json' : `.${t.classification}`;
}

/** What a script's one read of the table's location would get wrong. */
function problemsOf(t: CatalogTable): string[] {
  const problems: string[] = [];
  const keys = t.partitionKeys.map((k) => `${k.name}=`);
  const hive = t.sources.every((s) => {
    const folders = s.path.split('/').slice(0, -1);
    return folders.length === keys.length && folders.every((f, i) => f.startsWith(keys[i]!));
  });
  if (keys.length > 0 && !hive)
    problems.push(
      `the partitions of ${t.database}.${t.name} are not key=value folders, so a script cannot read their values from the paths`,
    );
  if (t.classification === 'csv' && t.sources.some((s) => s.columns !== undefined))
    problems.push(
      `some files of ${t.database}.${t.name} have other columns than the table (a column was added later); a script reads them all with the table's columns`,
    );
  return problems;
}

/** A catalog table as a script reads it. */
export function scriptTableOf(t: CatalogTable): ScriptTable {
  const problems = problemsOf(t);
  return {
    ...(problems.length > 0 ? { problems } : {}),
    database: t.database,
    name: t.name,
    classification: t.classification,
    location: urlRoot(t) ?? `./data/${t.database}/${t.name}`,
    ...(t.classification === 'csv' ? { dialect: dialectFromParameters(t) } : {}),
    columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
    partitionKeys: t.partitionKeys.map((c) => ({ name: c.name, type: c.type })),
    suffix: suffixOf(t),
  };
}
