/// <reference lib="webworker" />

/**
 * Calls `onTrap` with every WebAssembly trap that reaches this worker's global scope uncaught,
 * until the returned function is called. parquet-wasm's async reader traps inside a microtask:
 * the trap surfaces here, not in the read's promise (which never settles).
 */
export function watchWorkerTraps(onTrap: (error: unknown) => void): () => void {
  const listener = (ev: ErrorEvent) => {
    if (!(ev.error instanceof WebAssembly.RuntimeError)) return;
    ev.preventDefault();
    onTrap(ev.error);
  };
  self.addEventListener('error', listener);
  return () => self.removeEventListener('error', listener);
}
