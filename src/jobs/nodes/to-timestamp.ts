import { quoteIdent, quoteLiteral } from '../../core/sql/quote';
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
    const expr = timestampSql(quoteIdent(column), from, onError === 'null', env);
    return addColumns(input, [{ name: as ?? column, expr, type: 'TIMESTAMP' }]);
  },
};

function timestampSql(c: string, from: TimestampInput, lenient: boolean, env: BuildEnv): string {
  const cast = lenient ? 'TRY_CAST' : 'CAST';
  switch (from.kind) {
    case 'auto':
      return `${cast}(${c} AS TIMESTAMP)`;
    case 'epoch':
      if (from.unit === 'ms') return `epoch_ms(${cast}(${c} AS BIGINT))`;
      if (from.unit === 'us') return `make_timestamp(${cast}(${c} AS BIGINT))`;
      return `make_timestamp(CAST(round(${cast}(${c} AS DOUBLE) * 1000000) AS BIGINT))`;
    case 'pattern': {
      if (from.pattern === '') env.issue('give the pattern the text is written in, e.g. %d/%m/%Y');
      const pattern = quoteLiteral(substituteText(from.pattern, env.params, env.issue));
      return `${lenient ? 'try_strptime' : 'strptime'}(CAST(${c} AS VARCHAR), ${pattern})`;
    }
    default:
      env.issue('choose how the column is written (auto, epoch or a pattern)');
      return 'NULL';
  }
}
