/**
 * Resolves once `busy()` has answered false for `quietMs` in a row, asked every `everyMs`. For
 * background work that would compete with the user's: the service worker's first install fetches
 * and stores the whole app (~45 MB, DuckDB's wasm included), which took ~0.2 s of CPU in the
 * service worker and more in the browser during a first conversion on two cores.
 */
export function whenIdle(busy: () => boolean, quietMs = 2_000, everyMs = 250): Promise<void> {
  return new Promise((resolve) => {
    let quietSince = busy() ? null : Date.now();
    const check = () => {
      if (busy()) quietSince = null;
      else quietSince ??= Date.now();
      if (quietSince !== null && Date.now() - quietSince >= quietMs) resolve();
      else setTimeout(check, everyMs);
    };
    setTimeout(check, everyMs);
  });
}
