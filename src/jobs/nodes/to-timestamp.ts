import { ident, raw, sql, type Sql } from '../../core/sql/sql-template';
import type { TimestampInput } from '../model';
import { substituteText } from '../params';
import { addColumns } from './add-columns';
import { checkNewName, needColumn, only, type BuildEnv, type NodeModule } from './node-module';

/**
 * A column read as TIMESTAMP: ISO text or a date (`auto`), seconds/milliseconds/microseconds
 * since 1970 (UTC), or text in a strptime pattern. A value that does not convert stops the run
 * (or becomes NULL with onError 'null').
 */
export const toTimestamp: NodeModule<'to-timestamp'> = {
  kind: 'to-timestamp',
  title: 'To Timestamp',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ column: '', from: { kind: 'auto' } }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { column, from, as, onError = 'fail' } = node.options;
    needColumn(input, column, env);
    if (as !== undefined) checkNewName(as, 'the new column', env);
    const expr = timestampSql(ident(column), from, onError === 'null', env).text;
    return addColumns(input, [{ name: as ?? column, expr, type: 'TIMESTAMP' }]);
  },
};

function timestampSql(c: Sql, from: TimestampInput, lenient: boolean, env: BuildEnv): Sql {
  const cast = raw(lenient ? 'TRY_CAST' : 'CAST');
  switch (from.kind) {
    case 'auto':
      return sql`${cast}(${c} AS TIMESTAMP)`;
    case 'epoch':
      if (from.unit === 'ms') return sql`epoch_ms(${cast}(${c} AS BIGINT))`;
      if (from.unit === 'us') return sql`make_timestamp(${cast}(${c} AS BIGINT))`;
      return sql`make_timestamp(CAST(round(${cast}(${c} AS DOUBLE) * 1000000) AS BIGINT))`;
    case 'pattern': {
      if (from.pattern === '') env.issue('give the pattern the text is written in, e.g. %d/%m/%Y');
      const pattern = substituteText(from.pattern, env.params, env.issue);
      const parse = raw(lenient ? 'try_strptime' : 'strptime');
      return sql`${parse}(CAST(${c} AS VARCHAR), ${pattern})`;
    }
    default:
      env.issue('choose how the column is written (auto, epoch or a pattern)');
      return raw('NULL');
  }
}
