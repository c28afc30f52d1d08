import { describe, expect, it } from 'vitest';
import { explain, GLOSSARY } from '../../src/core/glossary';

describe('glossary', () => {
  it('explains every Glue noun the design names, each in one line', () => {
    for (const term of [
      'Data Catalog',
      'Database',
      'Table',
      'Partition',
      'Crawler',
      'Classifier',
      'Job',
      'Job run',
      'Bookmark',
      'Trigger',
      'Workflow',
    ] as const) {
      expect(explain(term)).toMatch(/^[A-Z].{20,200}\.$/);
    }
    for (const text of Object.values(GLOSSARY)) expect(text).not.toContain('\n');
  });
});
