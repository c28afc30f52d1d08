// Flat config: JS + TypeScript + Svelte 5. Formatting is Prettier's job, not ESLint's.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import decant from './eslint/layers.js';

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', 'coverage/', 'bench/out/', 'test-results/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  svelte.configs.recommended,
  // Turns off svelte/* rules that would fight Prettier.
  svelte.configs.prettier,
  {
    // App code runs in the browser and workers; tests, scripts and configs run in Node.
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // `_`-prefixed names mark intentionally unused params/bindings.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // svelte-eslint-parser handles markup; <script lang="ts"> is handed to the TS parser.
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    // Imports flow down the layers; a domain is reached through its index.ts (eslint/layers.js).
    files: ['src/**/*.ts', 'src/**/*.svelte', 'workers/**/*.ts'],
    plugins: { decant },
    rules: { 'decant/layers': 'error' },
  },
  {
    // We never render HTML built from user data (CSV cells, file names): no {@html}, ever.
    rules: { 'svelte/no-at-html-tags': 'error' },
  },
);
