/**
 * Copies files into the browser's storage (OPFS) in a worker (workers/copy-file.worker.ts), so
 * the page's main thread never handles their bytes. One worker, one copy at a time (the disk is
 * the limit, and fifty dropped files should not start fifty threads); it ends a second after the
 * last copy, so a crawl copying files one after another does not start a worker for each.
 */

/** The worker's message in (a File is structured-cloned: a handle on the same bytes) and out. */
interface CopyRequest {
  file: File;
  folder: string;
  name: string;
}
type CopyReply = { kind: 'done' } | { kind: 'failed'; error: unknown };

/** How long an idle worker is kept for the next copy. */
const LINGER_MS = 1000;

let worker: Worker | null = null;
let waiting = 0;
let idle: ReturnType<typeof setTimeout> | null = null;
let queue: Promise<unknown> = Promise.resolve();

function copyOne(request: CopyRequest): Promise<void> {
  const w = (worker ??= new Worker(new URL('../../workers/copy-file.worker.ts', import.meta.url), {
    type: 'module',
    name: 'decant-copy',
  }));
  return new Promise((resolve, reject) => {
    const settle = () => {
      w.removeEventListener('message', onMessage);
      w.removeEventListener('error', onError);
    };
    const onMessage = (e: MessageEvent<CopyReply>) => {
      settle();
      if (e.data.kind === 'done') resolve();
      // The browser's own error (e.g. a DOMException named QuotaExceededError), cloned.
      else reject(e.data.error instanceof Error ? e.data.error : new Error(String(e.data.error)));
    };
    const onError = (e: ErrorEvent) => {
      settle();
      // A worker that failed to load or crashed is not reused.
      w.terminate();
      if (worker === w) worker = null;
      reject(new Error(`the copy worker failed: ${e.message}`));
    };
    w.addEventListener('message', onMessage);
    w.addEventListener('error', onError);
    w.postMessage(request);
  });
}

/**
 * Copies `file` into OPFS as `folder/name` (the folder is made when missing), after the copies
 * asked for before it. Rejects with the browser's error (e.g. a QuotaExceededError DOMException);
 * a partial copy is removed.
 */
export function copyIntoOpfs(file: File, folder: string, name: string): Promise<void> {
  waiting++;
  if (idle) clearTimeout(idle);
  idle = null;
  const copied = queue.then(() => copyOne({ file, folder, name }));
  queue = copied.catch(() => undefined);
  return copied.finally(() => {
    if (--waiting > 0) return;
    idle = setTimeout(() => {
      idle = null;
      worker?.terminate();
      worker = null;
    }, LINGER_MS);
  });
}
