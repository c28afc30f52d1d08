import { describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';

describe('DecantError', () => {
  it('keeps the domain as a field, read from the message or given', () => {
    const read = new DecantError('catalog: table "t" exists');
    expect(read.domain).toBe('catalog');
    expect(read.detail).toBe('table "t" exists');

    const given = new DecantError('cannot read "a.csv"', { domain: 'crawler', line: 3 });
    expect(given.message).toBe('crawler: cannot read "a.csv"');
    expect(given.domain).toBe('crawler');
    expect(given.detail).toBe('cannot read "a.csv"');
    expect(given.line).toBe(3);
  });

  it('does not prefix twice, and has no domain when the message names none', () => {
    expect(new DecantError('job: x', { domain: 'job' }).message).toBe('job: x');
    const plain = new DecantError('Something broke');
    expect(plain.domain).toBeUndefined();
    expect(plain.detail).toBe('Something broke');
  });
});
