import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

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

export default defineConfig({
  plugins: [svelte(), relaxCspForDev()],
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
  worker: { format: 'es' },
  // Both engines ship their own .wasm next to their JS; pre-bundling would lose the relative URLs.
  optimizeDeps: { exclude: ['@duckdb/duckdb-wasm', 'parquet-wasm'] },
  server: { port: 5173 },
  preview: { port: 5173 },
});
