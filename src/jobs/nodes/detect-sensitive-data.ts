import { ident, joinSql, raw, sql } from '../../core/sql/sql-template';
import { sensitivePlan } from '../sensitive-plan';
import { DUCKDB_DIALECT } from '../../quality';
import type { Job } from '../model';
import { only, type NodeModule } from './node-module';

/** 16 random bytes as hex: a salt no one else has, made once when the node is added. */
export function newSalt(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * `job` with the salt of every Detect Sensitive Data node blanked: what leaves the tab as a
 * recipe or in a data package. With the salt, anyone holding the hashes could test guesses; a
 * receiver sets their own (the node says so until they do).
 */
export function jobWithoutSecrets(job: Job): Job {
  return {
    ...job,
    nodes: job.nodes.map((n) =>
      n.kind === 'detect-sensitive-data' ? { ...n, options: { ...n.options, salt: '' } } : n,
    ),
  };
}

/**
 * Glue Studio's Detect Sensitive Data: entity types found in each value (or, by column, in a
 * share of its values), then per column or entity type: listed in a `DetectedEntities` column,
 * redacted, partly redacted (last 4 kept), hashed with the job's salt (SHA-256), or the column
 * dropped. All in SQL (see src/quality/sensitive/sensitive-sql.ts); the input's columns must be known.
 */
export const detectSensitiveData: NodeModule<'detect-sensitive-data'> = {
  kind: 'detect-sensitive-data',
  title: 'Detect Sensitive Data',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ scope: 'cell', rules: [], salt: newSalt() }),
  build(node, inputs, env) {
    const input = only(inputs);
    if (input.columns === null) {
      env.issue('its input’s columns are not known yet');
      return { sql: '', columns: null };
    }
    const plan = sensitivePlan(node.options, input.columns, DUCKDB_DIALECT, env.issue);
    let from = raw(input.ref);
    plan.stages.forEach((stage, i) => {
      if (stage.length === 0) return;
      const added = joinSql(stage.map(([alias, expr]) => sql`${raw(expr)} AS ${ident(alias)}`));
      from = sql`(SELECT *, ${added} FROM ${from}) AS ${ident(`__pii_${i}`)}`;
    });
    const out = plan.output.map((o) =>
      o.expr === null ? ident(o.name) : sql`${raw(o.expr)} AS ${ident(o.name)}`,
    );
    if (out.length === 0) env.issue('it leaves no column');
    return { sql: sql`SELECT ${joinSql(out)} FROM ${from}`.text, columns: plan.columns };
  },
};
