// `npx tsx bench/convert-memory.ts`: where Quick convert's CSV → Parquet puts its memory. The
// orders CSV (BENCH_ROWS, default 1,000,000 rows ≈ 91 MB) is converted in the built app in
// headless Chromium, as bench/csv-to-parquet.ts does (download destination, ZSTD), and the
// conversion's memory growth (peak minus the moment before the Convert click, sampled every
// 200 ms) is split up: by Chromium process kind (browser, renderer, utility…; `.anon`, `.file`,
// `.shmem` are the parts of RSS), and inside the renderer into DuckDB-WASM's wasm memory (its
// byteLength, read in the engine worker) and the page's and both workers' JS memory over CDP: V8
// heap in use and ArrayBuffer backing stores (dead ones included until a GC), each before, after
// and at its peak. parquet-wasm's memory is not reachable from outside its module: measure it in
// Node. Quick convert's copy of the dropped file into the browser's storage is waited for before
// the click (BENCH_KEPT_WAIT=0: not; the bytes written at the click are logged). BENCH_DIST picks
// the build (default bench/out/dist; BENCH_SKIP_BUILD=1 reuses it). BENCH_PROFILE=disk runs in a profile on disk, as a user's browser is. BENCH_RUNS
// (default 3) runs, each in a fresh browser. Measures only.
import { execFileSync } from 'node:child_process';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../test/support/chromium';
import { serveStatic } from '../test/support/static-server';
import { OUT, ROOT } from './lib/app-page';
import { ensureCsv } from './lib/csv';
import { buildApp, waitForKeptCopy } from './lib/in-tab';
import { rssByKind } from './lib/rss';
import { count, megabytes, seconds, timed } from './lib/stats';

const ROWS = Number((process.env.BENCH_ROWS ?? '1000000').replaceAll('_', ''));
const RUNS = Number(process.env.BENCH_RUNS ?? '3');
const DIST = process.env.BENCH_DIST ?? join(OUT, 'dist');
const ON_DISK = process.env.BENCH_PROFILE === 'disk';
const STEP_MS = 30 * 60_000;
const log = (msg: string) => console.log(`[bench:convert-memory] ${msg}`);

/** CDP sessions to the page's dedicated workers (attached through the page's session). */
class WorkerHeaps {
  private sessions = new Map<string, string>(); // sessionId → url
  private pending = new Map<number, (r: unknown) => void>();
  private nextId = 1;

  constructor(private cdp: CDPSession) {
    cdp.on('Target.attachedToTarget', (e) => {
      if (e.targetInfo.type === 'worker') this.sessions.set(e.sessionId, e.targetInfo.url);
    });
    cdp.on('Target.detachedFromTarget', (e) => this.sessions.delete(e.sessionId));
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      const msg = JSON.parse(e.message) as { id?: number; result?: unknown; error?: unknown };
      if (msg.id !== undefined) this.pending.get(msg.id)?.(msg.result ?? msg.error);
    });
  }

  static async attach(page: Page, context: BrowserContext): Promise<WorkerHeaps> {
    const cdp = await context.newCDPSession(page);
    const heaps = new WorkerHeaps(cdp);
    await cdp.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    });
    await cdp.send('Runtime.enable');
    return heaps;
  }

  private call(sessionId: string, method: string, params: object = {}): Promise<unknown> {
    const id = this.nextId++;
    // A worker busy inside one long wasm call answers late: give up after a while.
    const done = new Promise<unknown>((r) => {
      this.pending.set(id, r);
      setTimeout(() => r(undefined), 20_000);
    });
    this.cdp
      .send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method, params }),
      })
      .catch(() => this.pending.get(id)?.(undefined));
    return done;
  }

  /**
   * JS memory of the page and of each worker, by a short name: `heap:` the V8 heap in use,
   * `buffers:` ArrayBuffer backing stores (dead ones included until the GC runs).
   */
  async usage(): Promise<Map<string, number>> {
    type Usage = { usedSize?: number; backingStorageSize?: number };
    const out = new Map<string, number>();
    const put = (name: string, r: Usage | undefined) => {
      if (r?.usedSize !== undefined) out.set(`heap:${name}`, r.usedSize);
      if (r?.backingStorageSize !== undefined) out.set(`buffers:${name}`, r.backingStorageSize);
    };
    put('page', (await this.cdp.send('Runtime.getHeapUsage')) as Usage);
    for (const [sid, url] of this.sessions) {
      const name = /([\w-]+?)(?:\.worker)?(?:-[\w-]{8})?\.js/.exec(url)?.[1] ?? url;
      put(name, (await this.call(sid, 'Runtime.getHeapUsage')) as Usage | undefined);
    }
    return out;
  }
}

/** DuckDB's wasm memory (byteLength), learnt by wrapping the runtime's readFile (watchDuckdb). */
async function duckdbWasmBytes(page: Page): Promise<number> {
  for (const w of page.workers()) {
    const n = await w
      .evaluate(() => {
        const g = globalThis as unknown as {
          DUCKDB_RUNTIME?: { readFile: (mod: unknown, ...rest: unknown[]) => number };
          __benchWasm?: { HEAPU8: Uint8Array };
          __benchWatched?: boolean;
        };
        const rt = g.DUCKDB_RUNTIME;
        if (!rt) return -1;
        if (!g.__benchWatched) {
          g.__benchWatched = true;
          const read = rt.readFile.bind(rt);
          rt.readFile = (mod, ...rest) => {
            g.__benchWasm = mod as { HEAPU8: Uint8Array };
            return read(mod, ...rest);
          };
        }
        return g.__benchWasm?.HEAPU8.length ?? 0;
      })
      .catch(() => -1);
    if (n >= 0) return n;
  }
  return -1;
}

/** Bytes of Quick convert's kept copy written so far (OPFS), or -1 without one. */
function keptCopyBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    try {
      const root = await navigator.storage.getDirectory();
      const dir = await root.getDirectoryHandle('decant-quick-convert');
      let n = 0;
      for await (const h of (
        dir as unknown as { values(): AsyncIterable<FileSystemHandle> }
      ).values())
        if (h.kind === 'file') n += (await (h as FileSystemFileHandle).getFile()).size;
      return n;
    } catch {
      return -1;
    }
  });
}

async function oneRun(url: string, csv: string, run: number): Promise<void> {
  const launch = { executablePath: await findChromium(), args: CHROMIUM_ARGS };
  const profile = join(OUT, `convert-memory-profile-${run}`);
  await rm(profile, { recursive: true, force: true });
  const context = ON_DISK
    ? await chromium.launchPersistentContext(profile, { ...launch, acceptDownloads: true })
    : await (await chromium.launch(launch)).newContext({ acceptDownloads: true });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    const heaps = await WorkerHeaps.attach(page, context);
    await page.goto(url);
    await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
    const card = page.getByTestId('file-card');
    log(`run ${run}: engine ready`);
    await duckdbWasmBytes(page);
    await page.getByTestId('file-input').setInputFiles(csv);
    await card.and(page.locator('[data-state="ready"]')).waitFor();
    await page.getByTestId('compression').selectOption('zstd');
    log(`run ${run}: card ready`);
    if (process.env.BENCH_KEPT_WAIT !== '0') await waitForKeptCopy(page, (await stat(csv)).size);
    const keptAtClick = await keptCopyBytes(page);

    page.on('crash', () => log(`run ${run}: the page crashed`));
    const inside = async () =>
      new Map([...(await heaps.usage()), ['wasmLen:duckdb', await duckdbWasmBytes(page)] as const]);
    const insideBefore = await inside();
    log(`run ${run}: inside read`);
    const base = await rssByKind();
    const peak = new Map(base);
    let busy = false;
    const innerPeak = new Map(insideBefore);
    let innerBusy = false;
    const innerTimer = setInterval(() => {
      if (innerBusy) return;
      innerBusy = true;
      void heaps.usage().then((now) => {
        for (const [k, v] of now) innerPeak.set(k, Math.max(innerPeak.get(k) ?? 0, v));
        innerBusy = false;
      });
    }, 200);
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void rssByKind().then((now) => {
        for (const [k, v] of now) peak.set(k, Math.max(peak.get(k) ?? 0, v));
        busy = false;
      });
    }, 200);
    const { ms } = await timed(async () => {
      const download = page.waitForEvent('download');
      await card.getByTestId('convert').click();
      await download;
    });
    clearInterval(timer);
    clearInterval(innerTimer);
    for (const [k, v] of await rssByKind()) peak.set(k, Math.max(peak.get(k) ?? 0, v));
    const insideAfter = await inside();
    const keptAfter = await keptCopyBytes(page);

    const growth = [...peak]
      .map(([k, v]) => [k, v - (base.get(k) ?? 0)] as const)
      .filter(([k, v]) => Math.abs(v) >= 1e6 || k === 'total')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} +${megabytes(v)}`)
      .join(', ');
    const inner = [...insideAfter]
      .map(
        ([k, v]) =>
          `${k} ${megabytes(insideBefore.get(k) ?? 0)} → ${megabytes(v)}` +
          (innerPeak.has(k) ? ` (peak ${megabytes(Math.max(v, innerPeak.get(k)!))})` : ''),
      )
      .join(', ');
    log(`run ${run}: convert ${seconds(ms)}`);
    log(`run ${run}: peak RSS growth: ${growth}`);
    log(`run ${run}: inside (before → after): ${inner}`);
    log(
      `run ${run}: kept copy ${megabytes(keptAtClick)} written at the click, ${megabytes(keptAfter)} after`,
    );
  } finally {
    await context.close();
    await context.browser()?.close();
    await rm(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const csv = await ensureCsv(OUT, ROWS);
  log(
    `${csv.path}: ${count(ROWS)} rows, ${megabytes(csv.bytes)}; ${ON_DISK ? 'disk' : 'off the record'} profile; ${DIST}`,
  );
  if (process.env.BENCH_SKIP_BUILD !== '1' && !process.env.BENCH_DIST) await buildApp(ROOT, DIST);
  const { url, server } = await serveStatic(DIST);
  try {
    for (let run = 1; run <= RUNS; run++) await oneRun(url, csv.path, run);
  } finally {
    server.close();
  }
  log(`load average: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
}

await main();
