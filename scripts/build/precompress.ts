import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** What is worth a precompressed copy: the engine's wasm and the app's scripts and styles. */
const COMPRESSIBLE = /\.(wasm|js|mjs|css|html|svg|json|webmanifest)$/;
/** Below this a host's on-the-fly compression costs nothing worth saving. */
const MIN_BYTES = 10 * 1024;

/**
 * Writes `x.br` and `x.gz` beside every large asset of the build, for hosts that serve a
 * precompressed copy when the browser accepts it (nginx gzip_static/brotli_static, Caddy,
 * Netlify…). Brotli quality 5, not 11: on DuckDB's 34 MB wasm 11 takes three minutes for a
 * file 16% smaller (5.2 MB against 6.2 MB; gzip -9 7.7 MB), and every e2e run builds; set
 * `DECANT_BROTLI_QUALITY=11` for a release build.
 */
export function precompressAssets(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'decant-precompress-assets',
    apply: 'build',
    configResolved(c) {
      config = c;
    },
    closeBundle: {
      // After the service worker is written, so the worker is compressed too.
      order: 'post',
      sequential: true,
      async handler() {
        const outDir = resolve(config.root, config.build.outDir);
        const quality = Number(process.env.DECANT_BROTLI_QUALITY ?? 5);
        const files = await largeAssets(outDir);
        await Promise.all(
          files.map(async (file) => {
            const bytes = await readFile(file);
            const [br, gzipped] = await Promise.all([
              brotli(bytes, {
                params: {
                  [constants.BROTLI_PARAM_QUALITY]: quality,
                  [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
                },
              }),
              gz(bytes, { level: 9 }),
            ]);
            await Promise.all([writeFile(file + '.br', br), writeFile(file + '.gz', gzipped)]);
          }),
        );
      },
    },
  };
}

async function largeAssets(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await largeAssets(path)));
    else if (COMPRESSIBLE.test(entry.name) && (await stat(path)).size >= MIN_BYTES)
      found.push(path);
  }
  return found;
}
