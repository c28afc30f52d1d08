import { readCsvSql } from '../../core/sql/read-csv';
import type { NodeModule } from './node-module';

/** A dropped CSV file, read with exactly the dialect and columns the user saw. */
export const fileSource: NodeModule<'file-source'> = {
  kind: 'file-source',
  title: 'Dropped file',
  category: 'source',
  inputs: { min: 0, max: 0 },
  defaults: () => ({
    path: '',
    dialect: {
      delimiter: ',',
      quote: '"',
      escape: '"',
      header: true,
      encoding: 'utf-8',
      decimalSeparator: '.',
      compression: 'none',
    },
    columns: [],
  }),
  build(node, _inputs, env) {
    const { path, dialect, columns, badRows } = node.options;
    if (path === '') {
      env.issue('drop a file on it first');
      return { sql: '', columns: null };
    }
    if (columns.length === 0) {
      env.issue('the file has no columns');
      return { sql: '', columns: null };
    }
    return {
      sql: `SELECT * FROM ${readCsvSql(path, dialect, columns, badRows ?? 'error')}`,
      columns: columns.map((c) => ({ name: c.name, type: c.type })),
      reads: { nodeId: node.id, file: path, partitions: null, files: [path], pruned: false },
    };
  },
};
