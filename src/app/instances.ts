/** The page's long-lived singletons: one engine (two workers) and one catalog mirror. */
import { connectEngine, type EngineClient } from '../engine/client';
import { CatalogState } from './catalog.svelte';

let client: EngineClient | null = null;

/** The page's one engine: both workers start on first use and live as long as the page. */
export function engine(): EngineClient {
  client ??= connectEngine();
  return client;
}

let catalogState: CatalogState | null = null;

/** The page's one catalog mirror, opened on first use. */
export function catalog(): CatalogState {
  if (!catalogState) {
    catalogState = new CatalogState(engine());
    void catalogState.open();
  }
  return catalogState;
}
