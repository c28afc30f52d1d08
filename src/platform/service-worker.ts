/**
 * The app's service worker (built by vite-plugin-pwa, see vite.config.ts): registered from this
 * module, never an inline script, so the page's CSP stays strict. A new version installs in the
 * background and waits; `onUpdate` hands the caller a function that switches to it and reloads.
 * The caller decides when: never while work runs.
 */
export interface ServiceWorkerHooks {
  /** A new version is installed and waiting. `activate()` takes it over and reloads the page. */
  onUpdate(activate: () => void): void;
}

/** Registers `/sw.js` in a built app (the dev server has none); resolves once registered. */
export async function registerServiceWorker(
  hooks: ServiceWorkerHooks,
): Promise<ServiceWorkerRegistration | null> {
  // MODE, not PROD: a build run under vitest (NODE_ENV=test, the e2e set-up) is not PROD.
  if (import.meta.env.MODE !== 'production' || !('serviceWorker' in navigator)) return null;
  const sw = navigator.serviceWorker;
  const registration = await sw.register(`${import.meta.env.BASE_URL}sw.js`, {
    scope: import.meta.env.BASE_URL,
  });
  const announce = (waiting: ServiceWorker) => {
    // The very first install has no page to replace: it takes control at once (clientsClaim).
    if (!sw.controller) return;
    hooks.onUpdate(() => {
      sw.addEventListener('controllerchange', () => location.reload(), { once: true });
      // Workbox's worker skips waiting on this message (registerType 'prompt').
      waiting.postMessage({ type: 'SKIP_WAITING' });
    });
  };
  if (registration.waiting) announce(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed') announce(installing);
    });
  });
  return registration;
}
