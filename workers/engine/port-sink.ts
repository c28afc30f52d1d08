import type { BatchMessage, CreditMessage } from '../../src/engine/protocol';
import type { BatchSink } from './scan-csv';

/** Sends batches over the port, waiting for the encoder worker's credit before each one. */
export function portSink(port: MessagePort): BatchSink {
  let credit = 0;
  let wake: (() => void) | null = null;
  port.onmessage = (e: MessageEvent<CreditMessage>) => {
    credit += e.data.n;
    wake?.();
    wake = null;
  };
  return {
    send(msg: BatchMessage) {
      if (msg.t === 'batch') credit--;
      port.postMessage(msg, transferablesOf(msg));
    },
    async room() {
      // Yield even with credit in hand, so a cancel message gets its turn.
      await new Promise<void>((r) => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => {
          ch.port1.close();
          r();
        };
        ch.port2.postMessage(0);
      });
      while (credit <= 0) await new Promise<void>((r) => (wake = r));
    },
  };
}

/** The buffers a message hands over (each once: a buffer listed twice cannot be transferred). */
function transferablesOf(msg: BatchMessage): ArrayBuffer[] {
  if (msg.t === 'schema') return [msg.bytes.buffer as ArrayBuffer];
  if (msg.t === 'batch') return [...new Set(msg.parts.map((p) => p.buffer as ArrayBuffer))];
  return [];
}

/** Calls `f` at most every 50 ms (about 20 times a second), and always when `final`. */
export function throttled<P>(f: (p: P) => void, final: (p: P) => boolean = () => false) {
  let last = 0;
  return (p: P) => {
    const now = performance.now();
    if (now - last > 50 || final(p)) {
      last = now;
      f(p);
    }
  };
}
