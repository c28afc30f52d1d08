import { quotedName } from '../../core/quoted-name';
import { ident, joinSql, raw, sql } from '../../core/sql/sql-template';
import { duplicateName } from '../columns';
import { substituteSql } from '../params';
import { queryBody, queryProblem } from '../sql-text';
import type { NodeModule } from './node-module';

/** An input's alias when none is set: `input1`, `input2`, … by port. */
export function defaultAlias(port: number): string {
  return `input${port + 1}`;
}

/**
 * Glue's SQL Query: the user's one query, its inputs visible under their aliases (CTEs around
 * it). `${param}` becomes a quoted value. Output columns are the engine's to say (describe).
 */
export const sqlQuery: NodeModule<'sql-query'> = {
  kind: 'sql-query',
  title: 'SQL Query',
  category: 'transform',
  inputs: { min: 1, max: Infinity },
  defaults: () => ({ query: 'SELECT * FROM input1', aliases: {} }),
  build(node, inputs, env) {
    const { query, aliases } = node.options;
    const names = inputs.map((input, port) =>
      Object.hasOwn(aliases, input.id) ? aliases[input.id]! : defaultAlias(port),
    );
    for (const n of names) {
      if (n === '') env.issue('an input has an empty alias');
      if (n.includes('\0')) env.issue(`alias ${quotedName(n)} contains a NUL character`);
    }
    const twice = duplicateName(names);
    if (twice !== undefined) env.issue(`two inputs have the alias ${quotedName(twice)}`);
    const problem = queryProblem(query);
    if (problem) {
      env.issue(`the query cannot be used: ${problem}`);
      return { sql: '', columns: null };
    }
    const body = substituteSql(queryBody(query), env.params, env.issue);
    const ctes = inputs.map(
      (input, i) => sql`${ident(names[i]!)} AS (SELECT * FROM ${raw(input.ref)})`,
    );
    // `body` is the user's own query: a SQL node's text is SQL by intent.
    return { sql: sql`WITH ${joinSql(ctes)} SELECT * FROM (\n${raw(body)}\n)`.text, columns: null };
  },
};
