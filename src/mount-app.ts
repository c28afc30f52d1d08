import { mount } from 'svelte';
import App from './ui/App.svelte';
import UpdateBanner from './ui/UpdateBanner.svelte';
import { bootApp } from './app/boot';
import type { EngineClient } from './app/start-engine';
import { registerServiceWorker } from './platform/service-worker';
import { yieldToMain } from './platform/yield-to-main';
import { whenIdle } from './app/when-idle';

/** The app around an engine main.ts already started: state, UI, and the service worker. */
export async function mountApp(engine: EngineClient): Promise<void> {
  const app = bootApp(engine);
  // The state is made and the UI mounts in a task of its own: neither holds the page for long.
  await yieldToMain();
  mount(UpdateBanner, {
    target: document.getElementById('update')!,
    props: { update: app.update },
  });
  mount(App, { target: document.getElementById('app')!, props: { app } });
  // Installing the service worker fetches the whole app again for its cache: only once the engine
  // has started and no engine work has run for a moment, so neither a first visit's start nor
  // its first conversion (which needs both cores) competes with it.
  void app.engine.ready
    .catch(() => undefined)
    .then(() => whenIdle(() => app.update.held))
    .then(() => registerServiceWorker({ onUpdate: (activate) => app.update.offer(activate) }))
    .catch((e: unknown) => console.warn('Decant works, but not offline: no service worker', e));
}
