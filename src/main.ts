import './platform/frame-guard';
import { mount } from 'svelte';
import App from './ui/App.svelte';
import UpdateBanner from './ui/UpdateBanner.svelte';
import './ui/global.css';
import { bootApp } from './app/boot';
import { registerServiceWorker } from './platform/service-worker';

// Benchmarks measure from here: the app's own start, apart from loading its scripts.
performance.mark('decant-start');
const app = bootApp();
mount(UpdateBanner, { target: document.getElementById('update')!, props: { update: app.update } });
mount(App, { target: document.getElementById('app')!, props: { app } });
// …and to here: the engine started (DuckDB and the encoder).
void app.engine.ready.then(() => performance.mark('decant-engine-ready')).catch(() => undefined);
// Installing the service worker fetches the whole app again for its cache: only once the engine
// has started, so a first visit's start is not slowed by it.
void app.engine.ready
  .catch(() => undefined)
  .then(() => registerServiceWorker({ onUpdate: (activate) => app.update.offer(activate) }))
  .catch((e: unknown) => console.warn('Decant works, but not offline: no service worker', e));
