import { describe, expect, it } from 'vitest';
import type { BatchMessage, CreditMessage } from '../../src/engine/protocol';
import { portSink } from '../../workers/engine/port-sink';

/** The first message to arrive on `port`. */
function nextMessage(port: MessagePort): Promise<BatchMessage> {
  return new Promise((resolve) => {
    port.onmessage = (e: MessageEvent<BatchMessage>) => resolve(e.data);
  });
}

describe('portSink', () => {
  it("hands a batch's parts over without copying them: the sender's buffers are detached", async () => {
    const { port1, port2 } = new MessageChannel();
    const sink = portSink(port1);
    port2.postMessage({ t: 'credit', n: 1 } satisfies CreditMessage);
    await sink.room();
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array([4, 5]);
    const arrived = nextMessage(port2);
    sink.send({ t: 'batch', parts: [a, b], rows: 2 });
    const msg = await arrived;
    expect(a.byteLength).toBe(0);
    expect(b.byteLength).toBe(0);
    if (msg.t !== 'batch') throw new Error(`expected a batch, got ${msg.t}`);
    expect(msg.parts.map((p) => [...p])).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    port1.close();
    port2.close();
  });

  it('sends parts that share one buffer (a buffer is transferred once)', async () => {
    const { port1, port2 } = new MessageChannel();
    const sink = portSink(port1);
    const whole = new Uint8Array([1, 2, 3, 4]);
    const arrived = nextMessage(port2);
    sink.send({ t: 'batch', parts: [whole.subarray(0, 2), whole.subarray(2)], rows: 2 });
    const msg = await arrived;
    if (msg.t !== 'batch') throw new Error(`expected a batch, got ${msg.t}`);
    expect(msg.parts.map((p) => [...p])).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(whole.byteLength).toBe(0);
    port1.close();
    port2.close();
  });
});
