import type { BatchMessage } from '../../src/engine/protocol';
import type { BatchSink } from '../../workers/engine/scan-csv';
import type { BatchSource } from '../../workers/parquet/encode-batches';

/**
 * The two ends of the engine→encoder channel in one process, with the same credit rule as the
 * MessagePort between the workers: the sink waits for room before each batch.
 */
export function batchPipe(): { sink: BatchSink; source: BatchSource; maxQueued: () => number } {
  const queue: BatchMessage[] = [];
  let credit = 0;
  let peak = 0;
  let reader: ((m: BatchMessage) => void) | null = null;
  let writer: (() => void) | null = null;
  return {
    maxQueued: () => peak,
    sink: {
      send(msg) {
        if (msg.t === 'batch') credit--;
        if (reader) {
          const r = reader;
          reader = null;
          r(msg);
        } else {
          queue.push(msg);
          peak = Math.max(peak, queue.filter((m) => m.t === 'batch').length);
        }
      },
      async room() {
        await Promise.resolve();
        while (credit <= 0) await new Promise<void>((r) => (writer = r));
      },
    },
    source: {
      next: () => {
        const m = queue.shift();
        return m ? Promise.resolve(m) : new Promise((r) => (reader = r));
      },
      grant(n) {
        credit += n;
        const w = writer;
        writer = null;
        w?.();
      },
    },
  };
}
