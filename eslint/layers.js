// Decant's import rule (see ../shared/DESIGN.md §2): imports flow down,
// ui → app → domains → storage / platform / engine → core, and a domain reaches another only
// through its index.ts. Relative specifiers are resolved to files, so the rule judges what is
// imported, not how the path is spelled.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const DOMAINS = ['catalog', 'crawler', 'jobs', 'scheduler', 'quality', 'share', 'scripts'];

/** The layer a file belongs to: `ui`, `app`, `domain:jobs`, `storage`, …, or null (not ours). */
function layerOf(file) {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'workers') return 'workers';
  if (rel[0] !== 'src') return null;
  if (rel.length === 2) return 'entry'; // src/main.ts
  const top = rel[1];
  if (DOMAINS.includes(top)) return `domain:${top}`;
  return ['ui', 'app', 'storage', 'platform', 'engine', 'core'].includes(top) ? top : null;
}

const BELOW_DOMAINS = ['storage', 'platform', 'engine', 'core'];
/** For each layer, the layers it may import (domains: see `domainImport`). */
const ALLOWED = {
  entry: ['entry', 'ui', 'app', 'platform', 'core'],
  ui: ['ui', 'app', 'platform', 'core', 'domains', 'engine-types'],
  app: ['app', 'domains', ...BELOW_DOMAINS],
  domain: ['domains', ...BELOW_DOMAINS],
  storage: ['storage', 'core'],
  platform: ['platform', 'core'],
  engine: ['engine', 'core'],
  core: ['core'],
  workers: ['workers', 'core', 'engine-types'],
};

/** Layers whose types (only) a layer may import: the UI shows what the engine reports. */
const TYPES_FROM = { ui: ['engine'] };

/**
 * Why `from` may not import `target` (a resolved file), or null when it may. `typeOnly`: an
 * `import type`, which leaves no code behind.
 */
export function layerViolation(from, target, typeOnly = false) {
  const a = layerOf(from);
  const b = layerOf(target);
  if (!a || !b) return null;
  if (typeOnly && (TYPES_FROM[a] ?? []).includes(b)) return null;
  const allowed = ALLOWED[a.startsWith('domain:') ? 'domain' : a];
  if (b.startsWith('domain:')) {
    if (a === b) return null;
    if (!allowed.includes('domains')) return `${a} may not import the ${b.slice(7)} domain`;
    const rel = path.relative(path.join(root, 'src', b.slice(7)), target);
    return rel === 'index.ts' ? null : `use src/${b.slice(7)}/index.ts, not its internals (${rel})`;
  }
  if (allowed.includes(b)) return null;
  // The boundary itself: its types, and the one handler that carries errors across it.
  const boundary = ['protocol.ts', 'error-transfer.ts'].map((f) =>
    path.join(root, 'src', 'engine', f),
  );
  if (allowed.includes('engine-types') && boundary.includes(target)) return null;
  return `${a} may not import ${b} (imports flow ui → app → domains → storage/platform/engine → core)`;
}

function resolve(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec.replace(/\?.*$/, ''));
  for (const ext of ['', '.ts', '.svelte.ts', '.js', '/index.ts']) {
    const candidate = base + ext;
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return base;
}

export default {
  rules: {
    layers: {
      meta: { type: 'problem', schema: [], docs: { description: 'Decant layer boundaries' } },
      create(context) {
        const file = context.filename;
        const check = (node, spec) => {
          if (typeof spec !== 'string' || !spec.startsWith('.')) return;
          const typeOnly = node.importKind === 'type' || node.exportKind === 'type';
          const why = layerViolation(file, resolve(file, spec), typeOnly);
          if (why) context.report({ node, message: `layers: ${why}` });
        };
        return {
          ImportDeclaration: (node) => check(node, node.source.value),
          ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
          ExportAllDeclaration: (node) => check(node, node.source.value),
          ImportExpression: (node) =>
            node.source.type === 'Literal' && check(node, node.source.value),
        };
      },
    },
  },
};
