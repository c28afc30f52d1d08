import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleManifestFrom, samplesBase } from '../../src/app/sample-data';

const dir = new URL('../../public/samples/', import.meta.url);

describe('sample data', () => {
  it('bundles every file its manifest lists, a partitioned table and a lookup', () => {
    const m = sampleManifestFrom(JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')));
    expect(m.files.length).toBeGreaterThanOrEqual(2);
    for (const f of m.files) expect(existsSync(new URL(f, dir)), f).toBe(true);
    expect(m.files.some((f) => /year=\d{4}\/month=\d{2}\//.test(f))).toBe(true);
    const rows = m.files
      .filter((f) => f.startsWith('weather/'))
      .map((f) => readFileSync(new URL(f, dir), 'utf8').trim().split('\n').length - 1)
      .reduce((a, b) => a + b, 0);
    expect(rows).toBeGreaterThan(200);
  });

  it('refuses manifests that would write outside their folder', () => {
    const ok = { name: 'samples', title: 't', files: ['a/b.csv'] };
    expect(sampleManifestFrom(ok).files).toEqual(['a/b.csv']);
    for (const files of [['../x.csv'], ['/etc/x'], ['a/./b.csv'], ['a\\b.csv'], []])
      expect(() => sampleManifestFrom({ ...ok, files })).toThrow(/^samples: /);
    expect(() => sampleManifestFrom({ ...ok, name: '../up' })).toThrow(/^samples: /);
    expect(() => sampleManifestFrom(null)).toThrow(/^samples: /);
  });

  it('is served next to the app, from its own origin', () => {
    expect(samplesBase('https://example.org/app/index.html')).toBe(
      'https://example.org/app/samples/',
    );
  });
});
