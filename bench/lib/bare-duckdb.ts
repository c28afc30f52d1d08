// A bare DuckDB-WASM `eh` page, the anchor for the app's engine start: DuckDB's own worker and
// wasm, started the way its README shows (instantiate, open, ask the version), nothing else.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bare duckdb-wasm eh</title></head>
<body><script type="module" src="./bare.js"></script></body></html>
`;

// DuckDB's worker protocol (what its AsyncDuckDB sends): {messageId, type, data} →
// {requestId, type, data}, with progress messages along the way.
const SCRIPT = `const worker = new Worker('./duckdb-browser-eh.worker.js');
let next = 0;
function call(type, data) {
  return new Promise((resolve, reject) => {
    const messageId = ++next;
    const onMessage = (ev) => {
      const m = ev.data;
      if (m.requestId !== messageId || m.type === 'INSTANTIATE_PROGRESS') return;
      worker.removeEventListener('message', onMessage);
      if (m.type === 'ERROR') reject(new Error(m.data.message));
      else resolve(m.data);
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ messageId, type, data });
  });
}
await call('INSTANTIATE', [new URL('./duckdb-eh.wasm', location.href).href, null]);
await call('OPEN', {});
const version = await call('GET_VERSION', null);
performance.mark('bare-engine-ready');
document.body.dataset.version = version;
`;

/** Writes the bare page and DuckDB's eh worker and wasm into `dir`, to be served as is. */
export async function writeBareDuckDbPage(root: string, dir: string): Promise<void> {
  const dist = join(root, 'node_modules/@duckdb/duckdb-wasm/dist');
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(join(dir, 'index.html'), PAGE),
    writeFile(join(dir, 'bare.js'), SCRIPT),
    copyFile(join(dist, 'duckdb-browser-eh.worker.js'), join(dir, 'duckdb-browser-eh.worker.js')),
    copyFile(join(dist, 'duckdb-eh.wasm'), join(dir, 'duckdb-eh.wasm')),
  ]);
}
