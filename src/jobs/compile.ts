import { quotedName } from '../core/quoted-name';
import { analyzeJob, nodeRef, type Analysis } from './analyze';
import type { NodeColumn } from './columns';
import type { CompileContext } from './context';
import { JobError } from './errors';
import { inputEdges, withAncestors } from './graph';
import type {
  DataQualityFailureAction,
  EvaluateDataQualityNode,
  Job,
  NodeId,
  S3TargetPlace,
  TargetNode,
} from './model';
import { s3KeyPrefix } from './s3-target';
import type { SourceReads } from './nodes/node-module';
import { writeFormat, type TargetWriteFormat } from './nodes/target';

/** How a target's rows are written; the writer's input, as data. */
export interface TargetWrite {
  format: TargetWriteFormat;
  partitionKeys: string[];
  destination: TargetNode['options']['destination'];
  /** The output's file (or folder) name: the option, or the node's name. */
  path: string;
  catalog?: { database: string; table: string };
  /** Where an `s3` target's files go (its prefix '' or ending in `/`). */
  s3?: S3TargetPlace;
}

export interface CompiledTarget {
  nodeId: NodeId;
  name: string;
  /** One statement: `WITH` the CTEs of the nodes it reads from, then its SELECT. */
  sql: string;
  columns: NodeColumn[] | null;
  write: TargetWrite;
}

/** An Evaluate Data Quality node as the run measures it: its ruleset over its input's rows. */
export interface CompiledQualityCheck {
  nodeId: NodeId;
  name: string;
  ruleset: string;
  onFailure: DataQualityFailureAction;
  /** One statement selecting the node's input rows (`WITH` its CTEs). */
  sql: string;
}

export interface CompiledJob {
  targets: CompiledTarget[];
  /** Every Evaluate Data Quality node, in dependency order (each is measured by the run). */
  qualityChecks: CompiledQualityCheck[];
  /** What each source the targets read reads (files, partitions; for bookmarks and progress). */
  sources: SourceReads[];
  /** Every target's statement, each after a comment naming it: the Script tab. */
  script: string;
}

/**
 * The job as DuckDB SQL: per target, one statement — a chain of CTEs named after node ids, in
 * dependency order, only those the target reads from — and its write options. A pure function
 * of the job and the context. Throws a JobError listing every issue (validateJob's, but only
 * for nodes some target reads from, plus "no target").
 */
export function compileJob(job: Job, ctx: CompileContext = {}): CompiledJob {
  const targets = job.nodes.filter((n): n is TargetNode => n.kind === 'target');
  const checks = job.nodes.filter(
    (n): n is EvaluateDataQualityNode => n.kind === 'evaluate-data-quality',
  );
  const a = analyzeJob(
    job,
    ctx,
    [...targets, ...checks].map((t) => t.id),
  );
  if (targets.length === 0)
    a.issues.push({ message: 'add a target: a job writes its output somewhere' });
  if (a.issues.length > 0) throw new JobError(job.name, a.issues);
  const compiled = targets.map((t) => {
    const built = a.built.get(t.id)!;
    const { format, partitionKeys, destination, path, catalog, s3 } = t.options;
    return {
      nodeId: t.id,
      name: t.name,
      sql: statementFor(job, a, t.id, built.sql),
      columns: built.columns,
      write: {
        format: writeFormat(format),
        partitionKeys: [...partitionKeys],
        destination,
        path: path ?? t.name,
        ...(catalog ? { catalog: { ...catalog } } : {}),
        ...(destination === 's3' && s3
          ? {
              s3: {
                bucket: s3.bucket,
                prefix: s3KeyPrefix(s3.prefix),
                region: s3.region,
                ...(s3.endpoint ? { endpoint: s3.endpoint.replace(/\/$/, '') } : {}),
              },
            }
          : {}),
      },
    } satisfies CompiledTarget;
  });
  const sources = a.order.flatMap((id) => {
    const reads = a.built.get(id)?.reads;
    return reads ? [reads] : [];
  });
  const script = compiled
    .map(
      (t) =>
        `-- Target ${quotedName(t.name)}: ${t.write.format.kind} → ` +
        `${t.write.s3 ? `s3://${t.write.s3.bucket}/${t.write.s3.prefix}` : quotedName(t.write.path)}\n${t.sql};`,
    )
    .join('\n\n');
  const qualityChecks = a.order.flatMap((id) => {
    const n = checks.find((c) => c.id === id);
    const input = n && inputEdges(job, id)[0]?.from;
    if (!n || input === undefined) return [];
    return [
      {
        nodeId: id,
        name: n.name,
        ruleset: n.options.ruleset,
        onFailure: n.options.onFailure,
        sql: statementFor(job, a, id, `SELECT * FROM ${nodeRef(input)}`),
      } satisfies CompiledQualityCheck,
    ];
  });
  return { targets: compiled, qualityChecks, sources, script };
}

/** `WITH` the CTEs of every node `id` reads from (not itself), then `select`. */
export function statementFor(job: Job, a: Analysis, id: NodeId, select: string): string {
  const upstream = withAncestors(
    job,
    inputEdges(job, id).map((e) => e.from),
  );
  return withClause(a, upstream) + select;
}

/** `WITH` and the CTEs of `ids` in dependency order, then a newline; '' for none. */
export function withClause(a: Analysis, ids: ReadonlySet<NodeId>): string {
  const ctes = a.order
    .filter((n) => ids.has(n))
    .map((n) => `  ${nodeRef(n)} AS (\n    ${a.built.get(n)!.sql}\n  )`);
  return ctes.length === 0 ? '' : `WITH\n${ctes.join(',\n')}\n`;
}
