import type { DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import type {
  CrawlOutcome,
  CrawlProgress,
  CrawlRequest,
  CrawlRequestOptions,
} from '../../src/engine/protocol';
import { crawlFiles, type CrawlItem } from './crawl-files';
import { customCsvStep } from './custom-csv';
import { fileIo, RemoteFile, remoteFileFrom } from './remote-files';
import type { RemoteReads } from './runtime-hooks';
import type { SqlSession } from './sql-session';

/** How the crawl registers files: local ones by the host's means, remote ones by ranges. */
export interface CrawlRegistry {
  db: DuckDBBindings;
  remote: RemoteReads;
  registerFile(db: DuckDBBindings, name: string, file: File): void;
}

export interface CrawlRun extends CrawlRequestOptions {
  /** Names the files registered for this crawl (`crawl-<taskId>-<i>.csv`). */
  taskId: string;
  cancelled(): boolean;
  onProgress(p: CrawlProgress): void;
}

/**
 * The crawler's classifier pass over the page's requests (see crawl-files.ts), on `s`: each file
 * is registered only while it is read, and whatever is left registered at the end is dropped.
 */
export async function crawlRequests(
  s: SqlSession,
  { db, remote, registerFile }: CrawlRegistry,
  requests: CrawlRequest[],
  run: CrawlRun,
): Promise<CrawlOutcome> {
  const names = new Set<string>();
  const drop = (n: string) => {
    if (!names.delete(n)) return;
    if (remote.has(n)) remote.drop(db, n);
    else db.dropFile(n);
  };
  try {
    const items: CrawlItem[] = requests.map((r, i) => {
      const gzip = /\.(gz|gzip)$/i.test(r.path);
      const registered = `crawl-${run.taskId}-${i}${gzip ? '.csv.gz' : '.csv'}`;
      const file = r.file instanceof File ? r.file : remoteFileFrom(r.file);
      const register = (n: string, bytes?: Uint8Array) => {
        if (bytes) db.registerFileBuffer(n, bytes);
        else if (file instanceof RemoteFile) remote.register(db, n, file);
        else registerFile(db, n, file);
        names.add(n);
      };
      return { ...r, registered, gzip, io: fileIo(file, gzip), register, drop };
    });
    return await crawlFiles(s, items, {
      sampleSize: run.sampleSize,
      customCsv: customCsvStep(s, run.classifiers ?? []),
      cancelled: run.cancelled,
      onProgress: (p) => void run.onProgress(p),
    });
  } finally {
    for (const n of [...names]) drop(n);
  }
}
