import { quotedName } from '../../core/quoted-name';
import { ident, joinSql, raw, sql, type Sql } from '../../core/sql/sql-template';
import { isTypeName } from '../../core/sql/type-name';
import { duplicateName, sameName, type NodeColumn } from '../columns';
import { checkNewName, needColumn, only, type NodeModule } from './node-module';

/**
 * Glue's ApplyMapping: each kept mapping is an output column, in the list's order, renamed and
 * cast (`CAST`, or `TRY_CAST` with onCastError 'null'); dropped and unmapped input columns go
 * (unmapped ones stay, after the mapped ones, with unmapped 'keep').
 */
export const changeSchema: NodeModule<'change-schema'> = {
  kind: 'change-schema',
  title: 'Change Schema',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ mappings: [] }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { mappings, unmapped = 'drop', onCastError = 'fail' } = node.options;
    const cast = onCastError === 'null' ? 'TRY_CAST' : 'CAST';
    const select: Sql[] = [];
    const out: NodeColumn[] = [];
    for (const m of mappings) {
      const source = needColumn(input, m.from, env);
      if (m.drop) continue;
      checkNewName(m.to, `the new name of ${quotedName(m.from)}`, env);
      let expr = ident(m.from);
      if (m.type !== undefined && m.type !== '') {
        if (!isTypeName(m.type)) {
          env.issue(`${quotedName(m.type)} is not a type (for ${quotedName(m.from)})`);
          continue;
        }
        // A checked type name: types cannot be quoted.
        expr = sql`${raw(cast)}(${expr} AS ${raw(m.type)})`;
      }
      select.push(sql`${expr} AS ${ident(m.to)}`);
      out.push({ name: m.to, type: m.type || (source ? source.type : null) });
    }
    const mapped = mappings.map((m) => m.from);
    let columns: NodeColumn[] | null = input.columns === null ? null : out;
    if (unmapped === 'keep') {
      const rest =
        mapped.length > 0 ? sql` EXCLUDE (${joinSql(mapped.map((n) => ident(n)))})` : raw('');
      select.push(sql`*${rest}`);
      if (input.columns !== null)
        columns = [
          ...out,
          ...input.columns.filter((c) => !mapped.some((n) => sameName(n, c.name))),
        ];
    }
    if (select.length === 0) env.issue('every column is dropped: keep at least one');
    const twice = duplicateName(mapped);
    if (twice !== undefined) env.issue(`column ${quotedName(twice)} is mapped twice`);
    if (columns) {
      const clash = duplicateName(columns.map((c) => c.name));
      if (clash !== undefined) env.issue(`two output columns are named ${quotedName(clash)}`);
    } else {
      const clash = duplicateName(out.map((c) => c.name));
      if (clash !== undefined) env.issue(`two output columns are named ${quotedName(clash)}`);
    }
    return { sql: sql`SELECT ${joinSql(select)} FROM ${raw(input.ref)}`.text, columns };
  },
};
