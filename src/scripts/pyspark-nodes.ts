/**
 * Each node kind as PySpark in Glue Studio's shape: a DynamicFrame per node named after it,
 * `transformation_ctx` on every Glue call, Glue's transforms where they exist (ApplyMapping,
 * SelectFields, DropFields, RenameField, DropNullFields), DataFrame code where they don't.
 */
import type { FilterClause, FilterGroup, JobNode, NodeColumn, NodeOf } from '../jobs';
import { DEFAULT_RIGHT_PREFIX } from '../jobs';
import { py, pyDict, pyList, pyTextWithParams } from './python-text';
import { sensitiveLines } from './pyspark-sensitive';
import { INTEGER_TYPE, toSparkSql, type SparkPiece } from './spark-sql';
import { glueType, sparkIdent, sparkType } from './spark-types';
import { sparkTimePattern } from './time-patterns';

/** What a node's code is written from. */
export interface NodeEnv {
  /** The node's variable (also its transformation_ctx). */
  name: string;
  /** The inputs' variables, by port. */
  inputs: string[];
  /** The inputs' columns, by port (null when not known). */
  inputColumns: (readonly NodeColumn[] | null)[];
  /** The node's own output columns as the tab described them (null when not known). */
  columns: readonly NodeColumn[] | null;
  /** Pivot values / all-NULL columns found by the tab's probes. */
  pivotValues?: readonly string[];
  /** Records that this node does not run on Spark as in the tab. */
  flag(message: string): void;
  /** Lines to run after every target wrote (before job.commit()). */
  atEnd?(lines: string[]): void;
}

const lower = (s: string) => s.toLowerCase();
const col = (name: string) => `_col(${py(name)})`;
const find = (cols: readonly NodeColumn[] | null, name: string) =>
  cols?.find((c) => lower(c.name) === lower(name));

/** The Spark type of a DuckDB one, or null after flagging it. */
function sparkTypeOr(type: string | null | undefined, env: Pick<NodeEnv, 'flag'>): string | null {
  if (!type) return null;
  try {
    return sparkType(type);
  } catch (e) {
    env.flag(e instanceof Error ? e.message.replace(/^scripts: /, '') : String(e));
    return null;
  }
}

/** Python source for a Spark SQL text with parameters filled in at run time. */
export function pySql(pieces: readonly SparkPiece[]): string {
  if (pieces.length === 0) return '""';
  return pieces
    .map((p) => (typeof p === 'string' ? py(p) : `_sql_str(args[${py(p.param)}])`))
    .join(' + ');
}

/** A Filter's condition as Spark SQL (Python source), comparing constants as the column's type. */
export function filterPy(
  group: FilterGroup,
  columns: readonly NodeColumn[] | null,
  env: Pick<NodeEnv, 'flag'>,
): string {
  const clause = (c: FilterClause): string => {
    if ('clauses' in c) return filterPy(c, columns, env);
    const left = py(sparkIdent(c.column));
    let sql: string;
    if (c.op === 'ISNULL') sql = `${left} + " IS NULL"`;
    else if (!c.value) sql = '"false"';
    else {
      let right: string;
      if (c.value.kind === 'column') right = py(sparkIdent(c.value.column));
      else {
        const literal = `_sql_str(${pyTextWithParams(c.value.value)})`;
        const t = sparkTypeOr(find(columns, c.column)?.type, env);
        right =
          c.op === 'REGEX' || t === null || t === 'string'
            ? literal
            : `"CAST(" + ${literal} + " AS ${t})"`;
      }
      const ops = { EQ: '=', LT: '<', GT: '>', LTE: '<=', GTE: '>=' } as const;
      sql =
        c.op === 'REGEX'
          ? `"(CAST(" + ${left} + " AS STRING) RLIKE " + ${right} + ")"`
          : `${left} + " ${ops[c.op]} " + ${right}`;
    }
    return c.negated ? `"(NOT (" + ${sql} + "))"` : `"(" + ${sql} + ")"`;
  };
  const parts = group.clauses.map(clause);
  let sql =
    parts.length === 0
      ? '"true"'
      : `"(" + ${parts.join(` + " ${group.combine === 'OR' ? 'OR' : 'AND'} " + `)} + ")"`;
  if (group.negated) sql = `"(NOT " + ${sql} + ")"`;
  return sql;
}

function typesOf(cols: readonly NodeColumn[] | null): Map<string, string> {
  return new Map((cols ?? []).flatMap((c) => (c.type ? [[lower(c.name), c.type] as const] : [])));
}

/** `df = X.toDF()` … `Name = DynamicFrame.fromDF(df, glueContext, "Name")` around DataFrame code. */
function viaDataFrame(env: NodeEnv, body: string[]): string[] {
  return [
    `df = ${env.inputs[0]}.toDF()`,
    ...body,
    `${env.name} = DynamicFrame.fromDF(df, glueContext, ${py(env.name)})`,
  ];
}

const isDecimal = (t: string | null | undefined) => !!t && /^DECIMAL|^NUMERIC/i.test(t);

function aggregateExpr(
  fn: string,
  column: string,
  type: string | null | undefined,
  env: NodeEnv,
): string {
  const c = col(column);
  // DuckDB's avg of a DECIMAL is a DOUBLE; Spark's would stay DECIMAL.
  const num = isDecimal(type) ? `${c}.cast("double")` : c;
  switch (fn) {
    case 'count':
      return column === '*' ? 'F.count(F.lit(1))' : `F.count(${c})`;
    case 'countDistinct':
      return `F.countDistinct(${c})`;
    case 'avg':
      return `F.avg(${num})`;
    case 'first':
    case 'last':
      env.flag(`${fn}() depends on row order, which Spark does not keep across a shuffle`);
      return `F.${fn}(${c})`;
    case 'sum':
      // DuckDB sums integers into a HUGEINT that does not overflow; Spark's BIGINT sum wraps.
      return type && INTEGER_TYPE.test(type) ? `F.sum(${c}.cast("decimal(38,0)"))` : `F.sum(${c})`;
    case 'min':
    case 'max':
    case 'stddev_samp':
    case 'stddev_pop':
    case 'var_samp':
    case 'var_pop':
      return `F.${fn}(${c})`;
    default:
      env.flag(`${fn} is not an aggregate this export knows`);
      return 'F.lit(None)';
  }
}

/** Spark's default name for an aggregation, as the tab's model defines it. */
function aggregateName(a: { column: string; fn: string; as?: string }): string {
  if (a.as) return a.as;
  if (a.fn === 'count') return a.column === '*' ? 'count(1)' : `count(${a.column})`;
  if (a.fn === 'countDistinct') return `count(DISTINCT ${a.column})`;
  return `${a.fn}(${a.column})`;
}

type Emit<K extends JobNode['kind']> = (node: NodeOf<K>, env: NodeEnv) => string[];

const transforms: { [K in JobNode['kind']]?: Emit<K> } = {
  'change-schema': (node, env) => {
    const input = env.inputColumns[0] ?? null;
    const { mappings, unmapped = 'drop', onCastError = 'fail' } = node.options;
    const rows: string[] = [];
    const checks: string[] = [];
    for (const m of mappings) {
      if (m.drop) continue;
      const from = sparkTypeOr(find(input, m.from)?.type, env) ?? 'string';
      const to = m.type ? (sparkTypeOr(m.type, env) ?? from) : from;
      const path = m.from.includes('.') ? sparkIdent(m.from) : m.from;
      rows.push(`(${py(path)}, ${py(glueType(from))}, ${py(m.to)}, ${py(glueType(to))})`);
      if (onCastError === 'fail' && to !== from && to !== 'string')
        checks.push(`(${col(m.from)}, ${col(m.from)}.cast(${py(to)}))`);
    }
    if (unmapped === 'keep') {
      if (!input) env.flag('its input columns are not known: describe the job first');
      for (const c of input ?? []) {
        if (mappings.some((m) => lower(m.from) === lower(c.name))) continue;
        const t = glueType(sparkTypeOr(c.type, env) ?? 'string');
        const path = c.name.includes('.') ? sparkIdent(c.name) : c.name;
        rows.push(`(${py(path)}, ${py(t)}, ${py(c.name)}, ${py(t)})`);
      }
    }
    const lines: string[] = [];
    if (checks.length > 0)
      lines.push(
        `_check_converted(${env.inputs[0]}.toDF(), [${checks.join(', ')}], ${py(env.name)})`,
      );
    lines.push(
      `${env.name} = ApplyMapping.apply(frame=${env.inputs[0]}, mappings=[`,
      ...rows.map((r) => `    ${r},`),
      `], transformation_ctx=${py(env.name)})`,
    );
    return lines;
  },
  'select-fields': (node, env) => [
    `${env.name} = SelectFields.apply(frame=${env.inputs[0]}, paths=${pyList(node.options.columns.map((c) => py(c.includes('.') ? sparkIdent(c) : c)))}, transformation_ctx=${py(env.name)})`,
  ],
  'drop-fields': (node, env) => [
    `${env.name} = DropFields.apply(frame=${env.inputs[0]}, paths=${pyList(node.options.columns.map((c) => py(c.includes('.') ? sparkIdent(c) : c)))}, transformation_ctx=${py(env.name)})`,
  ],
  'rename-field': (node, env) => [
    `${env.name} = RenameField.apply(frame=${env.inputs[0]}, old_name=${py(node.options.from.includes('.') ? sparkIdent(node.options.from) : node.options.from)}, new_name=${py(node.options.to)}, transformation_ctx=${py(env.name)})`,
  ],
  filter: (node, env) =>
    // DataFrame filter, not Glue's record-by-record Filter: SQL's NULL logic, as in the tab.
    viaDataFrame(env, [
      `df = df.filter(F.expr(${filterPy(node.options.filter, env.inputColumns[0] ?? null, env)}))`,
    ]),
  join: (node, env) => {
    const { type, on, rightPrefix = DEFAULT_RIGHT_PREFIX } = node.options;
    const [left, right] = [env.inputColumns[0] ?? null, env.inputColumns[1] ?? null];
    if (!left || !right) env.flag('its inputs’ columns are not known: describe the job first');
    const renamed = (right ?? []).map((c) => (find(left, c.name) ? rightPrefix + c.name : c.name));
    const how = {
      inner: 'inner',
      left: 'left',
      right: 'right',
      outer: 'full',
      'left-semi': 'left_semi',
      'left-anti': 'left_anti',
    }[type];
    const rightName = (n: string) =>
      renamed[(right ?? []).findIndex((c) => lower(c.name) === lower(n))] ?? n;
    const cond = on
      .map(
        (k) =>
          `(F.col(${py('l.' + sparkIdent(k.left))}) == F.col(${py('r.' + sparkIdent(rightName(k.right)))}))`,
      )
      .join(' & ');
    const select =
      type === 'left-semi' || type === 'left-anti'
        ? (left ?? []).map((c) => `F.col(${py('l.' + sparkIdent(c.name))})`)
        : [
            ...(left ?? []).map((c) => `F.col(${py('l.' + sparkIdent(c.name))})`),
            ...renamed.map((n) => `F.col(${py('r.' + sparkIdent(n))})`),
          ];
    return [
      `l = ${env.inputs[0]}.toDF().alias("l")`,
      `r = ${env.inputs[1]}.toDF()`,
      `r = r.select(${pyList((right ?? []).map((c, i) => `${col(c.name)}.alias(${py(renamed[i]!)})`))}).alias("r")`,
      `df = l.join(r, ${cond || 'F.lit(False)'}, ${py(how)}).select(${pyList(select)})`,
      `${env.name} = DynamicFrame.fromDF(df, glueContext, ${py(env.name)})`,
    ];
  },
  union: (node, env) => {
    const { mode, byName = false } = node.options;
    const lines = [`df = ${env.inputs[0]}.toDF()`];
    for (const other of env.inputs.slice(1))
      lines.push(
        byName
          ? `df = df.unionByName(${other}.toDF(), allowMissingColumns=True)`
          : `df = df.union(${other}.toDF())`,
      );
    if (mode === 'distinct') lines.push('df = df.distinct()');
    lines.push(`${env.name} = DynamicFrame.fromDF(df, glueContext, ${py(env.name)})`);
    return lines;
  },
  aggregate: (node, env) => {
    const input = env.inputColumns[0] ?? null;
    const { groupBy, aggregations } = node.options;
    const names = env.columns?.slice(groupBy.length).map((c) => c.name);
    const aggs = aggregations.map(
      (a, i) =>
        `${aggregateExpr(a.fn, a.column, find(input, a.column)?.type, env)}.alias(${py(names?.[i] ?? aggregateName(a))})`,
    );
    return viaDataFrame(env, [
      groupBy.length > 0
        ? `df = df.groupBy(${groupBy.map(col).join(', ')}).agg(${aggs.join(', ')})`
        : `df = df.agg(${aggs.join(', ')})`,
    ]);
  },
  'derived-column': (node, env) => {
    const t = toSparkSql(node.options.expression, typesOf(env.inputColumns[0] ?? null));
    for (const p of t.problems) env.flag(p);
    return viaDataFrame(env, [
      // DuckDB stops on an integer or decimal overflow: so does Spark in ANSI mode (see _ansi).
      'with _ansi():',
      `    df = _with_columns(df, [(${py(node.options.column)}, F.expr(${pySql(t.pieces)}))])`,
    ]);
  },
  'fill-missing-values': (node, env) => {
    const input = env.inputColumns[0] ?? null;
    const { fills, orderBy = [] } = node.options;
    const whole = 'Window.partitionBy()';
    const body = ['df = df.withColumn("__decant_row", F.monotonically_increasing_id())'];
    const order = [
      ...orderBy.map((o) => `${col(o)}.asc_nulls_last()`),
      'F.col("__decant_row")',
    ].join(', ');
    const news: string[] = [];
    for (const f of fills) {
      const type = find(input, f.column)?.type;
      const c =
        isDecimal(type) && (f.strategy === 'mean' || f.strategy === 'median')
          ? `${col(f.column)}.cast("double")`
          : col(f.column);
      let expr: string;
      switch (f.strategy) {
        case 'constant': {
          const t = sparkTypeOr(type, env) ?? 'string';
          expr = `F.coalesce(${c}, F.lit(${pyTextWithParams(f.value ?? '')}).cast(${py(t)}))`;
          break;
        }
        case 'mean':
          expr = `F.coalesce(${c}, F.avg(${c}).over(${whole}))`;
          break;
        case 'median':
          expr = `F.coalesce(${c}, F.median(${c}).over(${whole}))`;
          break;
        case 'mode':
          expr = `F.coalesce(${c}, F.mode(${c}).over(${whole}))`;
          break;
        case 'previous':
          expr = `F.last(${c}, ignorenulls=True).over(Window.orderBy(${order}).rowsBetween(Window.unboundedPreceding, Window.currentRow))`;
          break;
        default:
          env.flag(`${String(f.strategy)} is not a way to fill`);
          continue;
      }
      news.push(`(${py(f.as ?? f.column)}, ${expr})`);
    }
    body.push(`df = _with_columns(df, [${news.join(', ')}]).drop("__decant_row")`);
    return viaDataFrame(env, body);
  },
  'drop-null-fields': (_node, env) => [
    `${env.name} = DropNullFields.apply(frame=${env.inputs[0]}, transformation_ctx=${py(env.name)})`,
  ],
  'drop-duplicates': (node, env) => {
    const key =
      node.options.columns.length > 0
        ? node.options.columns.map(col).join(', ')
        : '*[_col(c) for c in df.columns]';
    // The first of each set in input order, as the tab keeps (Spark's dropDuplicates keeps any).
    return viaDataFrame(env, [
      `w = Window.partitionBy(${key}).orderBy("__decant_row")`,
      'df = df.withColumn("__decant_row", F.monotonically_increasing_id())',
      'df = df.withColumn("__decant_n", F.row_number().over(w)).filter("__decant_n = 1").orderBy("__decant_row").drop("__decant_row", "__decant_n")',
    ]);
  },
  'split-string': (node, env) =>
    viaDataFrame(env, [
      `df = _with_columns(df, [(${py(node.options.as ?? node.options.column)}, F.split(${col(node.options.column)}.cast("string"), ${py(node.options.pattern)}, -1))])`,
    ]),
  'concatenate-columns': (node, env) => {
    const { columns, as, spacer = '', nullValue } = node.options;
    const parts = columns.map((c) =>
      nullValue === undefined
        ? `${col(c)}.cast("string")`
        : `F.coalesce(${col(c)}.cast("string"), F.lit(${py(nullValue)}))`,
    );
    return viaDataFrame(env, [
      `df = _with_columns(df, [(${py(as)}, F.concat_ws(${py(spacer)}, ${parts.join(', ')}))])`,
    ]);
  },
  pivot: (node, env) => {
    const { pivotColumn, valueColumn, fn } = node.options;
    const values = node.options.values ?? env.pivotValues;
    if (!values) env.flag('its values are not known: list them, or describe the job first');
    const input = env.inputColumns[0] ?? null;
    const rest = (input ?? []).filter(
      (c) => lower(c.name) !== lower(pivotColumn) && lower(c.name) !== lower(valueColumn),
    );
    const agg = aggregateExpr(fn, valueColumn, find(input, valueColumn)?.type, env);
    const body = [
      // Values are compared as text, as in the tab.
      `df = df.withColumn("__decant_pivot", ${col(pivotColumn)}.cast("string"))`,
      `df = df.groupBy(${rest.map((c) => col(c.name)).join(', ')}).pivot("__decant_pivot", ${pyList((values ?? []).map(py))}).agg(${agg})`,
    ];
    if (fn === 'count' || fn === 'countDistinct')
      body.push(`df = df.fillna(0, subset=${pyList((values ?? []).map(py))})`);
    return viaDataFrame(env, body);
  },
  unpivot: (node, env) => {
    const {
      columns,
      nameColumn = 'name',
      valueColumn = 'value',
      includeNulls = false,
    } = node.options;
    const rest = (env.inputColumns[0] ?? []).filter(
      (c) => !columns.some((n) => lower(n) === lower(c.name)),
    );
    const body = [
      `df = df.unpivot(${pyList(rest.map((c) => col(c.name)))}, ${pyList(columns.map(col))}, ${py(nameColumn)}, ${py(valueColumn)})`,
    ];
    if (!includeNulls) body.push(`df = df.filter(${col(valueColumn)}.isNotNull())`);
    return viaDataFrame(env, body);
  },
  flatten: (node, env) =>
    viaDataFrame(env, [
      `df = _flatten(df, ${py(node.options.separator ?? '.')}, ${node.options.maxLevels ?? 1000})`,
    ]),
  explode: (node, env) => {
    const { column, as, keepEmpty = false } = node.options;
    const type = find(env.inputColumns[0] ?? null, column)?.type ?? '';
    const list = /^MAP\(/i.test(type) ? `F.map_entries(${col(column)})` : col(column);
    return viaDataFrame(env, [
      `df = _with_columns(df, [(${py(as ?? column)}, F.${keepEmpty ? 'explode_outer' : 'explode'}(${list}))])`,
    ]);
  },
  'to-timestamp': (node, env) => {
    const { column, from, as, onError = 'fail' } = node.options;
    const c = col(column);
    let expr: string;
    if (from.kind === 'auto') expr = `${c}.cast("timestamp")`;
    else if (from.kind === 'epoch')
      expr =
        from.unit === 's'
          ? `F.timestamp_micros(F.round(${c}.cast("double") * 1000000).cast("bigint"))`
          : from.unit === 'ms'
            ? `F.timestamp_millis(${c}.cast("bigint"))`
            : `F.timestamp_micros(${c}.cast("bigint"))`;
    else {
      const p = sparkTimePattern(from.pattern);
      if (p instanceof Error) env.flag(p.message);
      expr = `F.to_timestamp(${c}.cast("string"), ${py(p instanceof Error ? from.pattern : p)})`;
    }
    const body: string[] = [];
    if (onError === 'fail') body.push(`_check_converted(df, [(${c}, ${expr})], ${py(env.name)})`);
    body.push(`df = _with_columns(df, [(${py(as ?? column)}, ${expr})])`);
    return viaDataFrame(env, body);
  },
  'format-timestamp': (node, env) => {
    const p = sparkTimePattern(node.options.pattern);
    if (p instanceof Error) env.flag(p.message);
    return viaDataFrame(env, [
      `df = _with_columns(df, [(${py(node.options.as ?? node.options.column)}, F.date_format(${col(node.options.column)}.cast("timestamp"), ${py(p instanceof Error ? '' : p)}))])`,
    ]);
  },
  'add-current-timestamp': (node, env) => {
    let expr = 'F.current_timestamp()';
    if (node.options.pattern !== undefined) {
      const p = sparkTimePattern(node.options.pattern);
      if (p instanceof Error) env.flag(p.message);
      expr = `F.date_format(${expr}, ${py(p instanceof Error ? '' : p)})`;
    }
    return viaDataFrame(env, [`df = _with_columns(df, [(${py(node.options.column)}, ${expr})])`]);
  },
  identifier: (node, env) =>
    viaDataFrame(env, [
      node.options.type === 'uuid'
        ? `df = _with_columns(df, [(${py(node.options.column)}, F.expr("uuid()"))])`
        : `df = _with_columns(df, [(${py(node.options.column)}, F.row_number().over(Window.orderBy(F.monotonically_increasing_id())).cast("bigint"))])`,
    ]),
  limit: (node, env) =>
    viaDataFrame(env, [
      node.options.offset
        ? `df = df.offset(${node.options.offset}).limit(${node.options.count})`
        : `df = df.limit(${node.options.count})`,
    ]),
  'evaluate-data-quality': (node, env) => evaluateDataQualityLines(node, env),
  'detect-sensitive-data': (node, env) =>
    viaDataFrame(env, sensitiveLines(node, env.inputColumns[0] ?? null, env.flag)),
  'sql-query': (node, env) => {
    const all = env.inputColumns.flatMap((c) => c ?? []);
    const t = toSparkSql(node.options.query.trim().replace(/;\s*$/, ''), typesOf(all));
    for (const p of t.problems) env.flag(p);
    return [
      'with _ansi():',
      `    ${env.name} = sparkSqlQuery(glueContext, query=${pySql(t.pieces)}, mapping=${pyDict(env.inputs.map((v, i) => [aliasOf(node, i, env), v] as const))}, transformation_ctx=${py(env.name)})`,
    ];
  },
};

/**
 * Evaluate Data Quality as Glue Studio writes it: Glue's own EvaluateDataQuality transform (the
 * awsgluedq package, on AWS Glue only), its row-level outcomes or original data picked from the
 * result collection, and an assert on the rule outcomes where the job fails before or after
 * writing. The adapter cannot stand in for it on plain Spark: flagged.
 */
function evaluateDataQualityLines(node: NodeOf<'evaluate-data-quality'>, env: NodeEnv): string[] {
  const { ruleset, rowLevelOutcomes, onFailure } = node.options;
  env.flag(
    'Evaluate Data Quality is AWS Glue’s own transform (awsgluedq): it runs on AWS Glue only, ' +
      'and plain Spark stops at its import',
  );
  const results = `${env.name}_results`;
  const check = [
    `assert SelectFromCollection.apply(dfc=${results}, key="ruleOutcomes").toDF().filter(F.col("Outcome") != "Passed").count() == 0, ${py(`The job failed due to failing DQ rules for node: ${node.name}`)}`,
  ];
  if (onFailure === 'fail-after-write') env.atEnd?.(check);
  return [
    'from awsgluedq.transforms import EvaluateDataQuality',
    'from awsglue.transforms import SelectFromCollection',
    `${env.name}_ruleset = ${py(ruleset)}`,
    `${results} = EvaluateDataQuality().process_rows(frame=${env.inputs[0]}, ruleset=${env.name}_ruleset, publishing_options=${pyDict(
      [
        ['dataQualityEvaluationContext', py(env.name)],
        ['enableDataQualityResultsPublishing', 'True'],
      ],
    )}, additional_options=${pyDict([
      ['dataQualityResultsPublishing.strategy', py('BEST_EFFORT')],
      ['observations.scope', py('ALL')],
    ])})`,
    ...(onFailure === 'fail-before-write' ? check : []),
    `${env.name} = SelectFromCollection.apply(dfc=${results}, key=${py(rowLevelOutcomes ? 'rowLevelOutcomes' : 'originalData')}, transformation_ctx=${py(env.name)})`,
  ];
}

/** Input `port`'s alias in a SQL Query node. */
function aliasOf(
  node: NodeOf<'sql-query'>,
  port: number,
  env: NodeEnv & { inputIds?: string[] },
): string {
  const id = env.inputIds?.[port];
  return id !== undefined && Object.hasOwn(node.options.aliases, id)
    ? node.options.aliases[id]!
    : `input${port + 1}`;
}

/** A transform's lines, or undefined for a source or target (the script writes those). */
export function transformLines(
  node: JobNode,
  env: NodeEnv & { inputIds?: string[] },
): string[] | undefined {
  const emit = transforms[node.kind] as Emit<typeof node.kind> | undefined;
  return emit?.(node as never, env);
}
