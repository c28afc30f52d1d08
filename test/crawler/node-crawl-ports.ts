// Crawl ports in Node: DuckDB-WASM's Node bundle classifies real fixture files (the worker's own
// crawlFiles), fake-indexeddb holds the catalog, a temp folder holds kept copies.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { crawlFiles, type CrawlItem } from '../../workers/engine/crawl-files';
import { fileIo } from '../../workers/engine/remote-files';
import type { LocalInput } from '../../src/crawler/crawl-input';
import type { CrawlEngine, CrawlExtras, CrawlPorts } from '../../src/crawler';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { FIXTURES } from '../support/fixtures';
import { freshCatalog } from '../catalog/catalog-fixtures';

let node: NodeEngine;
let n = 0;
/** Starts DuckDB-WASM's Node bundle once per test file. */
export async function startCrawlEngine(): Promise<void> {
  node ??= await startNodeEngine();
}

/** Every file under test/fixtures/<folder>, as a drop of that folder gives them (no handles). */
export function dropped(folder: string): { inputs: LocalInput[]; disk: Map<string, string> } {
  const disk = new Map<string, string>();
  const inputs: LocalInput[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const path = relative(FIXTURES, full).replaceAll('\\', '/');
        const file = new File([readFileSync(full)], name, { lastModified: 1_700_000_000_000 });
        disk.set(path, full);
        inputs.push({
          kind: 'local',
          path,
          size: file.size,
          lastModified: file.lastModified,
          file,
        });
      }
    }
  };
  walk(join(FIXTURES, folder));
  return { inputs, disk };
}

/** The engine port on the Node bundle: the worker's crawlFiles, files read from disk. */
export function nodeEngine(disk: Map<string, string>): CrawlEngine {
  return {
    crawlFiles: (requests, opts, onProgress, signal) => {
      const items: CrawlItem[] = requests.map((r) => ({
        ...r,
        registered: `run-crawl-${++n}.csv`,
        gzip: false,
        io: fileIo(r.file as File, false),
        register: (name, bytes) => {
          if (bytes) node.s.db.registerFileBuffer(name, bytes);
          else node.register(name, disk.get(r.path)!);
        },
        drop: (name) => node.drop(name),
      }));
      return crawlFiles(node.s, items, {
        sampleSize: opts.sampleSize,
        cancelled: () => signal?.aborted ?? false,
        onProgress,
      });
    },
  };
}

/** Ports over a fresh catalog; kept copies go to a temp folder the test can look into. */
export async function ports(disk: Map<string, string>) {
  const { store } = await freshCatalog();
  const shelf = mkdtempSync(join(tmpdir(), 'decant-copies-'));
  const p: CrawlPorts = {
    engine: nodeEngine(disk),
    catalog: store,
    copies: {
      copy: async (file, id) => {
        const name = `${id}-${file.name}`;
        writeFileSync(join(shelf, name), new Uint8Array(await file.arrayBuffer()));
        return name;
      },
      remove: async (name) => rmSync(join(shelf, name)),
    },
    list: async () => ({ inputs: [], problems: [] }),
  };
  return { p, store, copiesLeft: () => readdirSync(shelf) };
}

export function both(): { extras: CrawlExtras; disk: Map<string, string> } {
  const sales = dropped('sales');
  const logs = dropped('logs');
  return {
    extras: { inputs: [...sales.inputs, ...logs.inputs], labels: ['sales', 'logs'] },
    disk: new Map([...sales.disk, ...logs.disk]),
  };
}
