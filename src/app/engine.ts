import { EngineClient } from '../engine/client';

let client: EngineClient | null = null;

/** The page's one engine: both workers start on first use and live as long as the page. */
export function engine(): EngineClient {
  client ??= new EngineClient();
  return client;
}
