/**
 * "Bind to files…" for a table that holds only its definition: each picked file or pasted URL
 * is classified by the engine as the table's format says, its columns checked against the
 * definition, and only when all fit are copies kept (picked files) and the table rewritten to
 * read them, with its partitions, in one catalog write.
 */
import { boundTable, bindIssues, type BindCandidate, type CatalogTable } from '../catalog';
import { DecantError } from '../core/errors';
import type { EngineClient } from '../engine/client';
import type { UrlFile } from '../engine/protocol';
import { copyToOpfs, removeFromOpfs } from '../platform/opfs';
import type { FoundFile } from '../platform/folder-files';
import { browserFetch, fetchChecked } from '../share';
import type { CatalogState } from './catalog.svelte';

export type BindInput = { kind: 'files'; files: FoundFile[] } | { kind: 'urls'; text: string };

let seq = 0;

/** The columns of one file, as the table's classification reads it. */
async function columnsOf(
  engine: EngineClient,
  table: CatalogTable,
  file: File | UrlFile,
): Promise<{ name: string; type: string }[]> {
  const id = `bind-${Date.now().toString(36)}-${++seq}`;
  if (file instanceof File) await engine.addFile(id, file);
  else await engine.addUrl(id, file);
  try {
    if (table.classification === 'parquet') return (await engine.inspectParquet(id)).columns;
    if (table.classification === 'json') return (await engine.inspectJson(id)).columns;
    return (await engine.inspect(id)).columns;
  } finally {
    await engine.removeFile(id).catch(() => undefined);
  }
}

/** Size of a URL's object from a one-byte ranged GET. */
async function urlSize(url: string): Promise<number> {
  const res = await fetchChecked(url, browserFetch(), { headers: { Range: 'bytes=0-0' } });
  const total = /\/(\d+)$/.exec(res.headers.get('Content-Range') ?? '')?.[1];
  const length = Number(res.headers.get('Content-Length') ?? NaN);
  await res.body?.cancel();
  if (total !== undefined) return Number(total);
  if (res.status === 200 && Number.isFinite(length)) return length;
  throw new DecantError(
    `catalog: cannot tell the size of ${new URL(url).host}${new URL(url).pathname}: the server hides Content-Range (its CORS rule must expose it)`,
  );
}

/**
 * Checks `input` against `table`; returns the issues (nothing bound) or binds it. Throws for a
 * file that cannot be read or a catalog write that fails (the copies made are removed).
 */
export async function bindFiles(
  engine: EngineClient,
  catalog: CatalogState,
  table: CatalogTable,
  input: BindInput,
): Promise<string[]> {
  const candidates: (BindCandidate & { file?: File })[] = [];
  if (input.kind === 'files') {
    // A picked folder's own name is not part of the table's paths.
    const folder = input.files.every((f) => f.path.includes('/'));
    for (const f of input.files) {
      const path = folder ? f.path.split('/').slice(1).join('/') : f.path;
      candidates.push({
        path,
        file: f.file,
        columns: await columnsOf(engine, table, f.file),
        source: {
          kind: 'opfs',
          path,
          opfsPath: '',
          size: f.file.size,
          lastModified: f.file.lastModified,
        },
      });
    }
  } else {
    const urls = input.text
      .split(/\s+/)
      .map((s) => s.trim())
      .filter(Boolean);
    for (const url of urls) {
      const u = new URL(url);
      const path = decodeURIComponent(u.pathname.replace(/^\/+/, ''));
      const size = await urlSize(url);
      const file: UrlFile = { kind: 'url', url, size, name: path, lastModified: 0 };
      candidates.push({
        path,
        columns: await columnsOf(engine, table, file),
        source: { kind: 'url', path, url, size, lastModified: 0 },
      });
    }
  }
  const issues = bindIssues(table, candidates);
  if (issues.length) return issues;
  const made: string[] = [];
  try {
    const stamp = Date.now().toString(36);
    for (const [i, c] of candidates.entries())
      if (c.file && c.source.kind === 'opfs') {
        c.source = { ...c.source, opfsPath: await copyToOpfs(c.file, `${stamp}-${i}`) };
        made.push(c.source.opfsPath);
      }
    await catalog.commitTables(table.database, [boundTable(table, candidates)]);
  } catch (e) {
    for (const name of made) await removeFromOpfs(name);
    throw e;
  } finally {
    void catalog.refreshStorage();
  }
  return [];
}
