import { createServer, type Server } from 'node:http';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Serves a built `dist/` on loopback the way a plain static host would: no COOP/COEP, no
 * special headers, so the tests prove Decant needs none. `stream`: send each file as it is read
 * (as a real host does), instead of reading it whole first: a 34 MB wasm then starts arriving at
 * once, whatever else is being read beside it (default false).
 */
export async function serveStatic(
  root: string,
  opts: { stream?: boolean } = {},
): Promise<{ url: string; server: Server }> {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      let file = normalize(join(base, path));
      if (!file.startsWith(base)) {
        res.writeHead(403).end();
        return;
      }
      const info = await stat(file).catch(() => null);
      if (info?.isDirectory()) file = join(file, 'index.html');
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      if (opts.stream && info?.isFile()) {
        const body = createReadStream(file, { highWaterMark: 1 << 20 });
        await new Promise<void>((opened, failed) =>
          body.once('open', () => opened()).once('error', failed),
        );
        res.writeHead(200, { 'content-type': type, 'content-length': info.size });
        body.once('error', () => res.destroy());
        body.pipe(res);
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  // Node closes a keep-alive socket idle for 5 s; on a busy machine that races a client reusing
  // it ("other side closed", ECONNRESET). Idle sockets stay open for the length of a test.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('static server: no port');
  return { url: `http://127.0.0.1:${addr.port}`, server };
}
