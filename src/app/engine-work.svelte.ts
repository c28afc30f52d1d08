import type { EngineClient } from '../engine/client';

/**
 * Counts the engine calls in flight, so the page knows when work runs (a conversion, a crawl, a
 * job, a query): every long operation of the app goes through the engine client. Used to hold a
 * new version back until the page is idle.
 */
export class EngineWork {
  running = $state(0);
  readonly busy = $derived(this.running > 0);

  /** The same client, every call that returns a promise counted until it settles. */
  watch(client: EngineClient): EngineClient {
    const settle = () => void this.running--;
    return new Proxy(client, {
      get: (target, prop) => {
        const value: unknown = Reflect.get(target, prop);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result: unknown = (value as (...a: unknown[]) => unknown)(...args);
          if (result instanceof Promise) {
            // Counted a microtask later: calls made while a $derived or a template evaluates
            // (a grid asking for rows) must not write state there. FIFO keeps +1 before −1.
            queueMicrotask(() => void this.running++);
            result.then(settle, settle);
          }
          return result;
        };
      },
    });
  }
}
