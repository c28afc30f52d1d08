import { relative } from 'node:path';
import type { Plugin } from 'vite';

/** One chunk of the build: its static and dynamic imports (file names) and its modules. */
export interface ChunkNode {
  imports: string[];
  dynamicImports: string[];
  /** Source modules in the chunk, relative to the project root (`node_modules/uplot/…`). */
  modules: string[];
}

/** `node_modules/<package>/…` for a dependency (wherever node_modules really is), else the path. */
function moduleName(root: string, id: string): string {
  const path = id.replace(/^\0/, '');
  const nm = path.lastIndexOf('node_modules/');
  return nm >= 0 ? path.slice(nm) : relative(root, path);
}

/** Where the graph is written, under the build's output directory (not precached: a dot folder). */
export const CHUNK_GRAPH_FILE = '.vite/chunk-graph.json';

/**
 * Writes which modules each chunk holds and what it imports, so a test can tell what the page
 * evaluates at start (test/e2e/lazy-pages.test.ts): Vite's own manifest names chunks, not the
 * modules inside them.
 */
export function chunkGraph(): Plugin {
  let root = process.cwd();
  return {
    name: 'decant-chunk-graph',
    apply: 'build',
    configResolved(c) {
      root = c.root;
    },
    generateBundle(_options, bundle) {
      const graph: Record<string, ChunkNode> = {};
      for (const out of Object.values(bundle)) {
        if (out.type !== 'chunk') continue;
        graph[out.fileName] = {
          imports: out.imports,
          dynamicImports: out.dynamicImports,
          modules: out.moduleIds.map((id) => moduleName(root, id)),
        };
      }
      this.emitFile({
        type: 'asset',
        fileName: CHUNK_GRAPH_FILE,
        source: JSON.stringify(graph, null, 1),
      });
    },
  };
}
