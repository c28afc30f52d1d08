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

/** A catalog table as a script reads it. */
export function scriptTableOf(t: CatalogTable): ScriptTable {
  return {
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
