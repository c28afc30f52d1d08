import { quotedName } from '../../core/quoted-name';
import {
  DqdlSyntaxError,
  parseDqdl,
  ROW_OUTCOME_COLUMNS,
  rowOutcomesSql,
  rowRules,
} from '../../quality';
import { findColumn } from '../columns';
import { only, type NodeModule } from './node-module';

/** A new node's ruleset: one rule that every non-empty input passes, for the user to edit. */
export const STARTER_RULESET = 'Rules = [\n  RowCount > 0\n]';

/**
 * Glue Studio's Evaluate Data Quality. The rules' outcomes are measured by the run (see
 * run/quality-checks.ts); the node's own rows are its input's, with Glue's row-level outcome
 * columns added when asked (so a Filter can route 'Failed' rows to a target of their own).
 */
export const evaluateDataQuality: NodeModule<'evaluate-data-quality'> = {
  kind: 'evaluate-data-quality',
  title: 'Evaluate Data Quality',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ ruleset: STARTER_RULESET, rowLevelOutcomes: false, onFailure: 'continue' }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { ruleset, rowLevelOutcomes, onFailure } = node.options;
    const passThrough = {
      sql: `SELECT * FROM ${input.ref}`,
      columns: input.columns ? [...input.columns] : null,
    };
    if (!['fail-before-write', 'fail-after-write', 'continue'].includes(onFailure))
      env.issue(`${quotedName(String(onFailure))} is not an action on failure`);
    try {
      const parsed = parseDqdl(ruleset);
      if (parsed.rules.length === 0) env.issue('the ruleset has no rules');
    } catch (e) {
      if (!(e instanceof DqdlSyntaxError)) throw e;
      env.issue(`the ruleset does not parse: ${e.message.replace(/^quality: /, '')}`);
      return passThrough;
    }
    if (!rowLevelOutcomes) return passThrough;
    if (input.columns === null) {
      env.issue('row-level outcomes need the input’s columns, which are not known yet');
      return passThrough;
    }
    const clash = ROW_OUTCOME_COLUMNS.find((c) => findColumn(input.columns!, c.name));
    if (clash) {
      env.issue(
        `its input already has a column ${quotedName(clash.name)}: drop it before evaluating again`,
      );
      return passThrough;
    }
    const columns = input.columns.map((c) => ({ name: c.name, type: c.type ?? 'UNKNOWN' }));
    const rules = rowRules(ruleset, columns, new Date());
    return {
      sql: rowOutcomesSql(input.ref, rules, columns),
      columns: [...input.columns, ...ROW_OUTCOME_COLUMNS.map((c) => ({ ...c }))],
    };
  },
};
