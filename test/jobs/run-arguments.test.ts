import { describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';
import { argumentsFromText, argumentsText } from '../../src/jobs/run-arguments';

function error(text: string): DecantError {
  try {
    argumentsFromText(text);
  } catch (e) {
    expect(e).toBeInstanceOf(DecantError);
    return e as DecantError;
  }
  throw new Error(`${text} was accepted`);
}

describe('argumentsFromText', () => {
  it('reads --name value pairs, quoted values and escapes', () => {
    expect(argumentsFromText('')).toEqual({});
    expect(argumentsFromText('  --min_price 4\n--region "eu west" --q \'a"b\'')).toEqual({
      min_price: '4',
      region: 'eu west',
      q: 'a"b',
    });
    expect(argumentsFromText('--s "say \\"hi\\"" --empty ""')).toEqual({
      s: 'say "hi"',
      empty: '',
    });
    expect(argumentsFromText('--v --x')).toEqual({ v: '--x' });
  });

  it('says what does not fit, and where', () => {
    expect(error('min 4').message).toBe('job: arguments: expected --name at column 1, found "min"');
    expect(error('--a 1 --a 2').message).toBe('job: arguments: --a is given twice (column 7)');
    expect(error('--a 1 --b').message).toBe('job: arguments: --b has no value');
    expect(error('--a "open').message).toBe('job: arguments: the quote at column 5 is not closed');
    const bad = error('--1x 2');
    expect(bad.message).toMatch(/^job: arguments: "--1x" at column 1 is not a parameter name/);
    expect(bad.column).toBe('1');
  });

  it('writes arguments back as text that reads the same', () => {
    const args = { a: '1', b: 'eu west', c: 'say "hi" \\ bye', d: '' };
    const text = argumentsText(args);
    expect(text).toBe('--a 1 --b "eu west" --c "say \\"hi\\" \\\\ bye" --d ""');
    expect(argumentsFromText(text)).toEqual(args);
  });
});
