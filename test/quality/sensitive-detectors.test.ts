import { describe, expect, it } from 'vitest';
import {
  detectColumn,
  detectEntities,
  ENTITY_TYPES,
  type EntityType,
} from '../../src/quality/sensitive/detectors';
import { corpus } from './sensitive-corpus';

/** Precision and recall per entity type over the corpus, at the level of cells. */
function scores(seed: number) {
  const cells = corpus(seed);
  const out = {} as Record<
    EntityType,
    { precision: number; recall: number; tp: number; fp: number; fn: number }
  >;
  for (const type of ENTITY_TYPES) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const misses: string[] = [];
    for (const c of cells) {
      const found = detectEntities(c.text).some((m) => m.type === type);
      const truth = c.truth.includes(type);
      if (found && truth) tp++;
      else if (found) {
        fp++;
        misses.push(`false ${type}: ${c.text}`);
      } else if (truth) {
        fn++;
        misses.push(`missed ${type}: ${c.text}`);
      }
    }
    if (misses.length) console.info(misses.slice(0, 8).join('\n'));
    out[type] = {
      precision: tp / Math.max(1, tp + fp),
      recall: tp / Math.max(1, tp + fn),
      tp,
      fp,
      fn,
    };
  }
  return out;
}

describe('sensitive data detectors', () => {
  // Seed 7 is the corpus the patterns were written against; 2026 is one they never saw.
  it.each([7, 2026])(
    'meet precision >= 0.97 and recall >= 0.97 per entity type (corpus seed %i)',
    (seed) => {
      const s = scores(seed);
      console.info(
        'entity         precision recall  (tp/fp/fn)\n' +
          ENTITY_TYPES.map(
            (t) =>
              `${t.padEnd(14)} ${s[t].precision.toFixed(3)}     ${s[t].recall.toFixed(3)}   (${s[t].tp}/${s[t].fp}/${s[t].fn})`,
          ).join('\n'),
      );
      for (const t of ENTITY_TYPES) {
        expect(s[t].precision, t).toBeGreaterThanOrEqual(0.97);
        expect(s[t].recall, t).toBeGreaterThanOrEqual(0.97);
      }
    },
  );

  it('finds each entity with its span, and gives the stricter kind an overlap', () => {
    const text = 'Card 4111 1111 1111 1111, SSN 078-05-1120, IP 192.168.1.10, ann@example.com';
    expect(detectEntities(text).map((m) => [m.type, text.slice(m.start, m.end)])).toEqual([
      ['CREDIT_CARD', '4111 1111 1111 1111'],
      ['USA_SSN', '078-05-1120'],
      ['IP_ADDRESS', '192.168.1.10'],
      ['EMAIL', 'ann@example.com'],
    ]);
    expect(detectEntities('GB82 WEST 1234 5698 7654 32')).toEqual([
      { type: 'IBAN', start: 0, end: 27 },
    ]);
    expect(detectEntities('2001:db8::8a2e:370:7334')).toEqual([
      { type: 'IP_ADDRESS', start: 0, end: 23 },
    ]);
    expect(detectEntities('4111 1111 1111 1112')).toEqual([]);
  });

  it('flags a column when the share of values holding an entity reaches the threshold', () => {
    const values = ['a@example.com', 'b@example.com', 'none', null, 'n/a', 'c@example.com'];
    expect(detectColumn('contact', values, 0.5)).toEqual({
      column: 'contact',
      entities: [{ type: 'EMAIL', share: 3 / 5 }],
    });
    expect(detectColumn('contact', values, 0.7).entities).toEqual([]);
  });
});
