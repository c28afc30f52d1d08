import { describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';
import { createNode, NODE_KINDS, nodeTitle } from '../../src/jobs/create-node';
import { JOB_FORMAT_VERSION, migrateJob, newJob, newNodeId } from '../../src/jobs/model';
import { validateJob } from '../../src/jobs/validate';
import { chain, node, ORDERS, source, sourceTable } from './job-support';

describe('the job model', () => {
  it('a new job has the defaults', () => {
    expect(newJob('daily')).toEqual({
      formatVersion: JOB_FORMAT_VERSION,
      name: 'daily',
      description: '',
      nodes: [],
      edges: [],
      parameters: [],
      bookmarks: 'disable',
      timeoutMinutes: 60,
      maxRetries: 0,
    });
  });

  it('is plain data: survives structuredClone and JSON unchanged', () => {
    const job = chain([source('orders', 'shop', 'orders'), node('limit', 'l', { count: 3 })], {
      parameters: [{ name: 'region', value: 'eu' }],
      bookmarks: 'enable',
    });
    expect(structuredClone(job)).toEqual(job);
    expect(migrateJob(JSON.parse(JSON.stringify(job)))).toEqual(job);
  });

  it('new node ids are stable and unused, ignoring ASCII case', () => {
    const job = { nodes: [createNode('filter', 'Filter-1'), createNode('filter', 'filter-3')] };
    expect(newNodeId(job, 'filter')).toBe('filter-2');
    expect(newNodeId({ nodes: [] }, 'join')).toBe('join-1');
  });

  it('every kind has a Glue Studio title, a category and default options', () => {
    expect(NODE_KINDS.map((k) => k.kind)).toHaveLength(29);
    expect(NODE_KINDS.map((k) => k.kind)).toContain('evaluate-data-quality');
    expect(NODE_KINDS.map((k) => k.kind)).toContain('detect-sensitive-data');
    expect(NODE_KINDS.filter((k) => k.category === 'source').map((k) => k.kind)).toEqual([
      'catalog-source',
      'file-source',
    ]);
    expect(NODE_KINDS.filter((k) => k.category === 'target').map((k) => k.kind)).toEqual([
      'target',
    ]);
    expect(nodeTitle('change-schema')).toBe('Change Schema');
    for (const { kind } of NODE_KINDS) {
      const n = createNode(kind, `${kind}-1`);
      expect(n).toMatchObject({ id: `${kind}-1`, kind, name: nodeTitle(kind) });
      expect(structuredClone(n)).toEqual(n);
    }
    expect(createNode('target', 't', 'my output').options).toEqual({
      format: { kind: 'parquet' },
      partitionKeys: [],
      destination: 'download',
    });
  });

  it('a new node in a job, once connected, is checked like any other', () => {
    const job = chain([source('orders', 'shop', 'orders'), createNode('select-fields', 'sel')]);
    expect(validateJob(job, { tables: [sourceTable(ORDERS)] }).map((i) => i.message)).toEqual([
      'Select Fields "Select Fields": choose at least one column',
    ]);
  });

  it('migrateJob refuses what it cannot read, saying why', () => {
    expect(() => migrateJob({ formatVersion: 99, nodes: [], edges: [] })).toThrow(DecantError);
    expect(() => migrateJob({ formatVersion: 99, nodes: [], edges: [] })).toThrow(
      'job: format 99 is not one this version of Decant reads (it reads 1)',
    );
    expect(() => migrateJob('nope')).toThrow('job: this is not a saved job (no nodes and edges)');
  });
});
