import { describe, expect, it } from 'vitest';
import { createNode, NODE_KINDS } from '../../src/jobs/create-node';
import type { JobNode, NodeKind, NodeOf } from '../../src/jobs/model';
import {
  HEADING_MAX,
  kindsMatching,
  NODE_DESCRIPTIONS,
  nodeHeading,
  shortened,
} from '../../src/jobs/node-titles';

/** A node of `kind` with its default options changed by `options`. */
function made<K extends NodeKind>(kind: K, options: Partial<NodeOf<K>['options']>): JobNode {
  const n = createNode(kind, `${kind}-1`);
  return { ...n, options: { ...n.options, ...options } } as JobNode;
}

describe('nodeHeading', () => {
  it('names a catalog source by its table and a dropped file by its name', () => {
    expect(nodeHeading(made('catalog-source', { database: 'vega', table: 'flights' })).text).toBe(
      'flights',
    );
    const file = createNode('file-source', 'f');
    expect(nodeHeading({ ...file, options: { ...file.options, path: 'in/sales.csv' } }).text).toBe(
      'sales.csv',
    );
  });

  it('says what a filter keeps, nested groups in parentheses', () => {
    const filter = made('filter', {
      filter: {
        combine: 'AND',
        clauses: [
          { column: 'delay', op: 'GT', value: { kind: 'constant', value: '15' } },
          {
            combine: 'OR',
            clauses: [
              { column: 'origin', op: 'EQ', value: { kind: 'constant', value: 'SFO' } },
              { column: 'dest', op: 'ISNULL' },
            ],
          },
        ],
      },
    });
    const h = nodeHeading(filter, 200);
    expect(h.text).toBe("delay > 15 and (origin = 'SFO' or dest is null)");
    expect(nodeHeading(filter).text).toBe("delay > 15 and (origin = 'S…");
    expect(nodeHeading(filter).full).toBe(h.full);
  });

  it('shortens past the limit with an ellipsis and keeps the whole text', () => {
    const long = made('derived-column', { column: 'total', expression: 'price * quantity * 1.2' });
    const h = nodeHeading(long);
    expect(h.full).toBe('total = price * quantity * 1.2');
    expect([...h.text]).toHaveLength(HEADING_MAX);
    expect(h.text.endsWith('…')).toBe(true);
    expect(shortened('delay > 15')).toBe('delay > 15');
    expect(shortened('😀😀😀😀', 3)).toBe('😀😀…');
  });

  it('names a join by its keys, an aggregate by its groups, a target by format and destination', () => {
    expect(
      nodeHeading(
        made('join', {
          type: 'inner',
          on: [
            { left: 'customer_id', right: 'id' },
            { left: 'day', right: 'day' },
          ],
        }),
      ).full,
    ).toBe('customer_id = id, day');
    expect(nodeHeading(made('join', { type: 'left', on: [{ left: 'k', right: 'k' }] })).full).toBe(
      'k (left)',
    );
    expect(
      nodeHeading(
        made('aggregate', { groupBy: ['region'], aggregations: [{ column: 'p', fn: 'sum' }] }),
      ).full,
    ).toBe('by region');
    expect(
      nodeHeading(made('aggregate', { groupBy: [], aggregations: [{ column: '*', fn: 'count' }] }))
        .full,
    ).toBe('count(*)');
    expect(nodeHeading(made('target', {})).full).toBe('Parquet → download');
    expect(
      nodeHeading(
        made('target', { format: { kind: 'csv' }, destination: 'folder', path: 'out/sales' }),
      ).full,
    ).toBe('CSV → out/sales');
    expect(
      nodeHeading(made('target', { catalog: { database: 'analytics', table: 'daily' } })).full,
    ).toBe('Parquet → analytics.daily');
  });

  it('keeps a name the user gave, and falls back to the kind for a node not yet set up', () => {
    const n = made('catalog-source', { database: 'vega', table: 'flights' });
    expect(nodeHeading({ ...n, name: 'late flights' }).text).toBe('late flights');
    expect(nodeHeading(createNode('filter', 'f')).text).toBe('Filter');
    expect(nodeHeading(createNode('catalog-source', 'c')).text).toBe('Data Catalog table');
    expect(nodeHeading(createNode('flatten', 'x')).text).toBe('Flatten');
  });

  it('gives every kind a heading without throwing, even with options missing', () => {
    for (const { kind } of NODE_KINDS) {
      const n = createNode(kind, 'x');
      expect(nodeHeading(n).text.length).toBeGreaterThan(0);
      expect(nodeHeading({ ...n, options: {} } as JobNode).text.length).toBeGreaterThan(0);
    }
  });
});

describe('kindsMatching', () => {
  it('describes every kind', () => {
    for (const { kind } of NODE_KINDS) expect(NODE_DESCRIPTIONS[kind]).toBeTruthy();
  });

  it('lists every kind for a blank query, in palette order', () => {
    expect(kindsMatching('  ').map((k) => k.kind)).toEqual(NODE_KINDS.map((k) => k.kind));
  });

  it('finds kinds by title first, then by description, any case', () => {
    const byTitle = kindsMatching('JOIN').map((k) => k.kind);
    expect(byTitle[0]).toBe('join');
    // Three titles say "rows"; Filter and Limit only in their descriptions, so after them.
    const rows = kindsMatching('rows').map((k) => k.kind);
    expect(new Set(rows.slice(0, 3))).toEqual(new Set(['pivot', 'unpivot', 'explode']));
    expect(rows).toContain('filter');
    expect(rows).toContain('limit');
    expect(kindsMatching('rename').map((k) => k.kind)).toEqual(['rename-field', 'change-schema']);
    expect(kindsMatching('uuid').map((k) => k.kind)).toEqual(['identifier']);
    expect(kindsMatching('no such thing')).toEqual([]);
  });
});
