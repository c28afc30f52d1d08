import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { chunkGraph } from './scripts/build/chunk-graph';
import { precompressAssets } from './scripts/build/precompress';

/**
 * The dev server injects component styles as <style> tags and talks HMR over a websocket;
 * the strict policy in index.html (kept for the build) would block both, so only `vite dev`
 * relaxes it.
 */
function relaxCspForDev(): Plugin {
  return {
    name: 'decant-relax-csp-for-dev',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws: wss:");
    },
  };
}

/**
 * The installable, offline app: a Workbox service worker precaches the shell, both workers and
 * the `eh` engine, so the URL opens and converts with the network off after one visit. DuckDB's
 * `mvp` wasm (39 MB) is fetched only where `eh` cannot run (createDuckDB picks by feature test),
 * so it is cached on that first use instead of precached everywhere. A new version waits until
 * the page asks for it (src/platform/service-worker.ts): never mid-run.
 */
function offlineApp(): Plugin[] {
  return VitePWA({
    registerType: 'prompt',
    // Registered by src/platform/service-worker.ts, a module script: no inline script under the CSP.
    injectRegister: false,
    manifest: {
      name: 'Decant — Glue in a tab',
      short_name: 'Decant',
      description:
        'Crawl, catalog and convert CSV, JSON and Parquet with DuckDB, in your browser, offline.',
      start_url: '/',
      scope: '/',
      display: 'standalone',
      background_color: '#ffffff',
      theme_color: '#6d28d9',
      icons: [
        { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        {
          src: '/icons/icon-maskable-512.png',
          sizes: '512x512',
          type: 'image/png',
          purpose: 'maskable',
        },
        { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
      ],
    },
    workbox: {
      globPatterns: ['**/*.{html,js,css,svg,png,wasm,webmanifest,csv,json}'],
      globIgnores: ['**/duckdb-mvp*.wasm', '**/*.br', '**/*.gz'],
      // DuckDB's eh wasm is 34 MB.
      maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      navigateFallback: 'index.html',
      clientsClaim: true,
      cleanupOutdatedCaches: true,
      runtimeCaching: [
        {
          urlPattern: /\/duckdb-mvp[^/]*\.wasm$/,
          handler: 'CacheFirst',
          // One entry: a new version's mvp (a new hashed name) replaces the old one.
          options: { cacheName: 'decant-engine-fallback', expiration: { maxEntries: 1 } },
        },
      ],
    },
  });
}

export default defineConfig({
  plugins: [svelte(), relaxCspForDev(), offlineApp(), precompressAssets(), chunkGraph()],
  resolve: {
    alias: {
      // DuckDB's synchronous bundle, run inside our own engine worker. The package's export map
      // only names it for Node, so point the bundler at the browser build directly.
      '@duckdb/duckdb-wasm/blocking': fileURLToPath(
        new URL(
          './node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser-blocking.mjs',
          import.meta.url,
        ),
      ),
    },
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // Emscripten's glue in DuckDB's bundle mentions eval on paths we never take (our CSP would
      // refuse them anyway); the warning says nothing about our code.
      onLog(level, log, handler) {
        if (log.code === 'EVAL' && log.id?.includes('@duckdb/duckdb-wasm')) return;
        handler(level, log);
      },
    },
  },
  worker: {
    format: 'es',
    // One chunk per worker: the engine worker's lazily imported parts (parquet-wasm's glue, a
    // piece of Arrow) shared a runtime chunk with it, which the browser found only once the
    // worker's 1.5 MB were parsed: a second round trip before DuckDB could start.
    rolldownOptions: { output: { codeSplitting: false } },
  },
  // Both engines ship their own .wasm next to their JS; pre-bundling would lose the relative URLs.
  optimizeDeps: { exclude: ['@duckdb/duckdb-wasm', 'parquet-wasm'] },
  server: { port: 5173 },
  preview: { port: 5173 },
});
