import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { findChromium } from '../support/chromium';
import { serveStatic } from '../support/static-server';

const root = fileURLToPath(new URL('../..', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string;
    chromiumPath: string;
  }
}

/** Builds the app as a user gets it (`vite build`), serves dist/ on loopback, finds Chromium. */
export default async function setup(project: TestProject) {
  const chromiumPath = await findChromium();
  // DECANT_E2E_OUT lets several working sessions build and serve side by side.
  const outDir = process.env.DECANT_E2E_OUT ?? root + 'dist';
  execFileSync(
    process.execPath,
    [
      root + 'node_modules/vite/bin/vite.js',
      'build',
      '--logLevel',
      'warn',
      '--outDir',
      outDir,
      '--emptyOutDir',
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  const { url, server } = await serveStatic(outDir);
  project.provide('appUrl', url);
  project.provide('chromiumPath', chromiumPath);
  return () => new Promise<void>((r) => server.close(() => r()));
}
