/**
 * The tabs of one origin talking: a BroadcastChannel carrying one message type. A message reaches
 * every other bus of the same name (other tabs, and other buses in this tab), never the sender.
 */

export interface TabBus<T> {
  /** Sends to every other bus of this name; never throws (a closed bus drops the message). */
  post(message: T): void;
  /** Calls `listener` with each message another bus sends; returns the unsubscribe. */
  subscribe(listener: (message: T) => void): () => void;
  close(): void;
}

/** A bus over `BroadcastChannel(name)`; one that never delivers where there is no such API. */
export function openTabBus<T>(name: string): TabBus<T> {
  if (typeof BroadcastChannel === 'undefined') return silentBus();
  const channel = new BroadcastChannel(name);
  const listeners = new Set<(message: T) => void>();
  let closed = false;
  channel.onmessage = (e: MessageEvent<T>) => {
    for (const listener of [...listeners]) listener(e.data);
  };
  return {
    post(message) {
      if (!closed) channel.postMessage(message);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      listeners.clear();
      channel.close();
    },
  };
}

function silentBus<T>(): TabBus<T> {
  return { post: () => undefined, subscribe: () => () => undefined, close: () => undefined };
}
