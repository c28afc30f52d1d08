import { Worker } from 'node:worker_threads';
import type { SyncGet } from '../../workers/engine/remote-files';

/**
 * A synchronous GET for Node, standing in for the worker's synchronous XHR: a worker thread
 * makes the request with fetch while this thread waits on a SharedArrayBuffer. The servers must
 * run in another process or thread (see s3-stack.ts), since this one is blocked meanwhile.
 */
const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ url, range, sab }) => {
  const ctl = new Int32Array(sab, 0, 3);
  const data = new Uint8Array(sab, 12);
  try {
    const res = await fetch(url, { headers: { Range: range } });
    const body = new Uint8Array(await res.arrayBuffer());
    const n = Math.min(body.length, data.length);
    data.set(body.subarray(0, n));
    ctl[1] = res.status;
    ctl[2] = n;
  } catch (e) {
    const text = new TextEncoder().encode(String(e && e.cause ? e.cause : e));
    data.set(text.subarray(0, data.length));
    ctl[1] = -1;
    ctl[2] = Math.min(text.length, data.length);
  }
  Atomics.store(ctl, 0, 1);
  Atomics.notify(ctl, 0);
});`;

let worker: Worker | null = null;

export const nodeSyncGet: SyncGet = (url, range) => {
  worker ??= new Worker(WORKER, { eval: true });
  worker.unref();
  const m = /^bytes=(\d+)-(\d+)$/.exec(range);
  // Room for the range (or an error body) and S3's error documents.
  const room = (m ? Number(m[2]) - Number(m[1]) + 1 : 0) + 64 * 1024;
  const sab = new SharedArrayBuffer(12 + room);
  const ctl = new Int32Array(sab, 0, 3);
  worker.postMessage({ url, range, sab });
  Atomics.wait(ctl, 0, 0, 60_000);
  if (Atomics.load(ctl, 0) !== 1) throw new Error(`sync GET timed out: ${range}`);
  const body = new Uint8Array(sab, 12, ctl[2]!).slice();
  if (ctl[1] === -1) throw new Error(`fetch failed: ${new TextDecoder().decode(body)}`);
  return { status: ctl[1]!, body };
};
