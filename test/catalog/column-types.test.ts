// Column types come from a list; DECIMAL's numbers are checked before the engine sees them.
import { describe, expect, it } from 'vitest';
import { COLUMN_TYPE_CHOICES, typeChoiceOf, typeFromChoice } from '../../src/catalog/column-types';
import { isTypeName } from '../../src/core/sql/type-name';

describe('column type choices', () => {
  it('round-trips listed types, DECIMALs and nested types kept as they are', () => {
    for (const { type } of COLUMN_TYPE_CHOICES) {
      expect(isTypeName(type)).toBe(true);
      if (type !== 'DECIMAL') expect(typeFromChoice(typeChoiceOf(type))).toBe(type);
    }
    expect(typeFromChoice(typeChoiceOf('decimal(10, 2)'))).toBe('DECIMAL(10,2)');
    expect(typeFromChoice(typeChoiceOf('NUMERIC(5)'))).toBe('DECIMAL(5,0)');
    expect(typeFromChoice(typeChoiceOf('DECIMAL'))).toBe('DECIMAL(18,3)');
    expect(typeFromChoice(typeChoiceOf('double'))).toBe('DOUBLE');
    expect(typeFromChoice(typeChoiceOf('STRUCT(a INTEGER)'))).toBe('STRUCT(a INTEGER)');
  });

  it('refuses DECIMAL numbers out of range with the limits, not DuckDB’s message', () => {
    const decimal = (precision: number, scale: number) =>
      typeFromChoice({ base: 'DECIMAL', precision, scale });
    expect(decimal(38, 38)).toBe('DECIMAL(38,38)');
    expect(() => decimal(39, 2)).toThrow(/^catalog: a DECIMAL's precision .* from 1 to 38$/);
    expect(() => decimal(0, 0)).toThrow('precision');
    expect(() => decimal(1.5, 0)).toThrow('precision');
    expect(() => decimal(10, 11)).toThrow(
      /^catalog: a DECIMAL's scale .* from 0 to its precision, 10$/,
    );
    expect(() => decimal(10, -1)).toThrow('scale');
  });
});
