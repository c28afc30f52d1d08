import type { EngineClient } from '../engine/client';
import { connectEngine } from '../engine/connect-engine';

export type { EngineClient };

/**
 * Starts DuckDB (its worker, and its wasm's compile beside it; the encoder's worker follows once
 * DuckDB is up): main.ts calls it before the rest of the app's code is loaded, so DuckDB's start
 * (the longest wait of a visit) overlaps the app's own loading. Kept tiny, as the page's first
 * chunk holds it.
 */
export function startEngine(): EngineClient {
  return connectEngine();
}
