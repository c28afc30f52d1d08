// Memory of the Chromium we launched, read from /proc (Linux only).
//
// Chromium splits a tab over several processes (browser, zygote, renderer, GPU/utility), and the
// workers that hold DuckDB's and parquet-wasm's wasm memory live in the renderer, so we sum VmRSS
// over all of them. Only processes descended from this Node process count: other Chromiums on the
// machine (e.g. e2e tests running at the same time) must not leak into the numbers. The sum counts
// shared pages once per process, so absolute values overstate; the growth during one conversion
// (peak minus baseline) is what we report.
import { readdir, readFile } from 'node:fs/promises';

interface ProcInfo {
  pid: number;
  ppid: number;
}

async function readProc(pid: number): Promise<ProcInfo | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is in parentheses and may contain spaces: parse after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { pid, ppid };
  } catch {
    return null; // the process exited between readdir and read
  }
}

async function descendantsOf(root: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  const procs = (await Promise.all(pids.map(readProc))).filter((p) => p !== null);
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    for (const child of children.get(todo.pop() as number) ?? []) {
      out.push(child);
      todo.push(child);
    }
  }
  return out;
}

/** VmRSS in bytes of one process whose command line names Chromium, else 0. */
async function chromiumRss(pid: number): Promise<number> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    if (!/chrom/i.test(cmdline.split('\0')[0] ?? '')) return 0;
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Summed RSS (bytes) of the Chromium processes this Node process started. */
export async function chromiumRssTotal(): Promise<number> {
  const pids = await descendantsOf(process.pid);
  const sizes = await Promise.all(pids.map(chromiumRss));
  return sizes.reduce((a, b) => a + b, 0);
}

export interface RssSampler {
  /** Stops sampling (after one last sample) and resolves to the highest total seen. */
  stop(): Promise<number>;
}

/** Samples `chromiumRssTotal` every `intervalMs`, keeping the peak; a slow read skips a tick. */
export function sampleRss(intervalMs: number, initial: number): RssSampler {
  let peak = initial;
  let inFlight: Promise<void> | null = null;
  const tick = () => {
    if (inFlight) return;
    inFlight = chromiumRssTotal().then((total) => {
      peak = Math.max(peak, total);
      inFlight = null;
    });
  };
  const timer = setInterval(tick, intervalMs);
  let stopped: Promise<number> | null = null;
  const finish = async () => {
    clearInterval(timer);
    await inFlight;
    return Math.max(peak, await chromiumRssTotal());
  };
  // Idempotent, so callers can stop in a `finally` and again on the happy path.
  return { stop: () => (stopped ??= finish()) };
}

/** Chromium's process kind from its command line: browser, renderer, gpu-process, utility(…). */
async function kindOf(pid: number): Promise<string | null> {
  try {
    // A zygote's children rewrite their command line as one string: match it whole.
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    if (!/chrom/i.test(cmdline.split(/[\0 ]/)[0] ?? '')) return null;
    const type = /--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser';
    const sub = /--utility-sub-type=([\w.-]+)/.exec(cmdline)?.[1];
    return sub ? `${type}(${sub.split('.').at(-2) ?? sub})` : type;
  } catch {
    return null;
  }
}

/** VmRSS and its parts (anonymous, file-backed, shared memory) in bytes; empty once exited. */
async function rssPartsOf(pid: number): Promise<Record<string, number>> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { '': kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') };
  } catch {
    return {};
  }
}

/**
 * RSS of the Chromium processes this Node process started, by process kind (summed over its
 * processes; `kind.anon`, `kind.file`, `kind.shmem` its parts), and `total` (with its parts).
 */
export async function rssByKind(): Promise<Map<string, number>> {
  const by = new Map<string, number>();
  for (const pid of await descendantsOf(process.pid)) {
    const kind = await kindOf(pid);
    if (!kind) continue;
    for (const [part, bytes] of Object.entries(await rssPartsOf(pid)))
      for (const k of [kind, 'total'].map((x) => (part ? `${x}.${part}` : x)))
        by.set(k, (by.get(k) ?? 0) + bytes);
  }
  return by;
}
