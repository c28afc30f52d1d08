import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerViolation } from '../../eslint/layers.js';

const root = path.resolve(import.meta.dirname, '../..');
const at = (p: string) => path.join(root, p);
const check = (from: string, to: string): string | null => layerViolation(at(from), at(to));

describe('the layer import rule', () => {
  it('lets imports flow down', () => {
    expect(check('src/ui/App.svelte', 'src/app/router.svelte.ts')).toBeNull();
    expect(check('src/app/jobs.svelte.ts', 'src/jobs/index.ts')).toBeNull();
    expect(check('src/jobs/run/job-runner.ts', 'src/storage/schema.ts')).toBeNull();
    expect(check('src/jobs/run/job-runner.ts', 'src/jobs/model.ts')).toBeNull();
    expect(check('src/engine/client.ts', 'src/core/errors.ts')).toBeNull();
    expect(check('workers/engine/scan-csv.ts', 'src/engine/protocol.ts')).toBeNull();
  });

  it('refuses imports that flow up', () => {
    expect(check('src/core/format.ts', 'src/catalog/model.ts')).toMatch(/core may not import/);
    expect(check('src/storage/schema.ts', 'src/jobs/index.ts')).toMatch(/storage may not/);
    expect(check('src/jobs/run/job-runner.ts', 'src/app/catalog.svelte.ts')).toMatch(
      /domain:jobs may not import app/,
    );
    expect(check('src/app/boot.ts', 'src/ui/App.svelte')).toMatch(/app may not import ui/);
    expect(check('workers/engine.worker.ts', 'src/catalog/index.ts')).toMatch(/workers may not/);
    expect(check('src/ui/App.svelte', 'src/engine/client.ts')).toMatch(/ui may not import engine/);
    // …but the UI may name the engine's types, and workers may use the boundary's error handler.
    expect(layerViolation(at('src/ui/App.svelte'), at('src/engine/client.ts'), true)).toBeNull();
    expect(check('workers/parquet.worker.ts', 'src/engine/error-transfer.ts')).toBeNull();
    expect(check('workers/parquet.worker.ts', 'src/engine/client.ts')).toMatch(/workers may not/);
  });

  it('reaches another domain only through its index.ts', () => {
    expect(check('src/jobs/run/sources.ts', 'src/catalog/index.ts')).toBeNull();
    expect(check('src/jobs/run/sources.ts', 'src/catalog/model.ts')).toMatch(
      /use src\/catalog\/index.ts, not its internals \(model.ts\)/,
    );
  });
});
