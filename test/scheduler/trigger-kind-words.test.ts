import { describe, expect, it } from 'vitest';
import { TRIGGER_KIND_WORDS } from '../../src/scheduler/trigger-form';

describe("Glue's trigger types in words", () => {
  it('names what each type waits for, for every type', () => {
    expect(TRIGGER_KIND_WORDS).toEqual({
      ON_DEMAND: 'On demand',
      SCHEDULED: 'On a schedule',
      CONDITIONAL: 'When jobs or crawlers finish',
      EVENT: 'When new files arrive',
    });
  });
});
