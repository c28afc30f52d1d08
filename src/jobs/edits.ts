/**
 * Edits of a job as the canvas makes them: pure functions from one job to the next (the old
 * one is never changed), so the editor can keep every step for undo and redo.
 */
import { analyzeJob } from './analyze';
import type { CompileContext } from './context';
import { createNode } from './create-node';
import { withAncestors } from './graph';
import {
  newNodeId,
  type Job,
  type JobEdge,
  type JobNode,
  type NodeId,
  type NodeKind,
} from './model';
import { NODE_MODULES } from './nodes';
import { DecantError } from '../core/errors';
import { ident, joinSql, raw, sql } from '../core/sql/sql-template';

/** How many inputs a node of `kind` takes (`max` may be Infinity). */
export function inputRange(kind: NodeKind): { min: number; max: number } {
  return NODE_MODULES[kind].inputs;
}

/** True when a node of `kind` has an output other nodes can read. */
export function hasOutput(kind: NodeKind): boolean {
  return NODE_MODULES[kind].category !== 'target';
}

/**
 * The input ports to draw for `node`: its kind's minimum, and for kinds that take any number
 * (Union, SQL Query) one free port after the connected ones.
 */
export function portCount(job: Pick<Job, 'edges'>, node: JobNode): number {
  const { min, max } = inputRange(node.kind);
  if (max !== Infinity) return max;
  const used = job.edges.filter((e) => e.to === node.id).length;
  return Math.max(min, used + 1);
}

/** `job` with a new node of `kind` (id from the kind, e.g. `filter-2`), optionally read from `from`. */
export function addNode(
  job: Job,
  kind: NodeKind,
  position: { x: number; y: number },
  from?: NodeId,
): { job: Job; id: NodeId } {
  const id = newNodeId(job, kind);
  const node = { ...createNode(kind, id), position } as JobNode;
  let edges = job.edges;
  const source = from === undefined ? undefined : job.nodes.find((n) => n.id === from);
  if (source && hasOutput(source.kind) && inputRange(kind).max > 0)
    edges = [...edges, { from: source.id, to: id, port: 0 }];
  return { job: { ...job, nodes: [...job.nodes, node], edges }, id };
}

/** `job` without the nodes `ids`, their edges, and the edges `edgeKeys` (see edgeKey). */
export function removeParts(
  job: Job,
  ids: readonly NodeId[],
  edgeKeys: readonly string[] = [],
): Job {
  const gone = new Set(ids);
  const cut = new Set(edgeKeys);
  const edges = job.edges.filter(
    (e) => !gone.has(e.from) && !gone.has(e.to) && !cut.has(edgeKey(e)),
  );
  return renumberPorts({ ...job, nodes: job.nodes.filter((n) => !gone.has(n.id)), edges });
}

/** An edge's stable key: `from->to#port`. */
export function edgeKey(e: JobEdge): string {
  return `${e.from}->${e.to}#${e.port}`;
}

/**
 * `job` with `from` feeding input `port` of `to` (replacing what fed that port), or with that
 * port emptied when `from` is null. Refuses a node reading itself or a target's output.
 */
export function setInput(job: Job, to: NodeId, port: number, from: NodeId | null): Job {
  if (from === to) throw new DecantError('job: a node cannot read its own output');
  const source = from === null ? undefined : job.nodes.find((n) => n.id === from);
  if (source && !hasOutput(source.kind))
    throw new DecantError('job: a target has no output to read from');
  const edges = job.edges.filter((e) => !(e.to === to && e.port === port));
  if (from !== null) edges.push({ from, to, port });
  return renumberPorts({ ...job, edges });
}

/**
 * Ports of kinds that take any number of inputs are made 0, 1, … again after one is removed
 * (a Union with inputs 0 and 2 becomes 0 and 1); fixed ports (Join's left and right) stay.
 */
function renumberPorts(job: Job): Job {
  let changed = false;
  const edges: JobEdge[] = [];
  for (const n of job.nodes) {
    const into = job.edges.filter((e) => e.to === n.id).sort((a, b) => a.port - b.port);
    if (inputRange(n.kind).max === Infinity)
      into.forEach((e, i) => {
        if (e.port !== i) changed = true;
        edges.push(e.port === i ? e : { ...e, port: i });
      });
    else edges.push(...into);
  }
  // Edges into unknown nodes stay, for validateJob to report.
  const known = new Set(job.nodes.map((n) => n.id));
  edges.push(...job.edges.filter((e) => !known.has(e.to)));
  return changed ? { ...job, edges } : job;
}

/** `job` with node `id` replaced by `f(node)`. */
export function updateNode(job: Job, id: NodeId, f: (node: JobNode) => JobNode): Job {
  return { ...job, nodes: job.nodes.map((n) => (n.id === id ? f(n) : n)) };
}

/** `job` with nodes moved; positions rounded to whole pixels. `job` itself when none moved. */
export function moveNodes(job: Job, positions: ReadonlyMap<NodeId, { x: number; y: number }>): Job {
  let moved = false;
  const nodes = job.nodes.map((n) => {
    const p = positions.get(n.id);
    if (!p) return n;
    const at = { x: Math.round(p.x), y: Math.round(p.y) };
    if (n.position?.x === at.x && n.position.y === at.y) return n;
    moved = true;
    return { ...n, position: at };
  });
  return moved ? { ...job, nodes } : job;
}

/**
 * Glue's script mode: every target reads one SQL Query node that holds what its transforms did,
 * over the sources it reads (each under its node id, so the SQL is the compiled chain as it
 * is). Parameters are taken at their current values. Throws a JobError when a target's input
 * does not compile.
 */
export function jobAsSql(job: Job, ctx: CompileContext): Job {
  const targets = job.nodes.filter((n) => n.kind === 'target');
  if (targets.length === 0)
    throw new DecantError(
      'job: add a target first: "Edit as SQL" writes the SQL each target reads',
    );
  const a = analyzeJob(
    job,
    ctx,
    targets.map((t) => t.id),
  );
  if (a.issues.length > 0)
    throw new DecantError(`job: fix its problems first: ${a.issues[0]!.message}`);
  const isSource = (id: NodeId) => NODE_MODULES[a.nodes.get(id)!.kind].category === 'source';
  let next: Job = {
    ...job,
    nodes: job.nodes.filter((n) => n.kind === 'target' || isSource(n.id)),
    edges: [],
  };
  for (const t of targets) {
    const input = job.edges.find((e) => e.to === t.id)!.from;
    const ancestors = withAncestors(job, [input]);
    const sources = a.order.filter((id) => ancestors.has(id) && isSource(id));
    const steps = a.order.filter((id) => ancestors.has(id) && !isSource(id));
    const ctes = steps.map((id) => sql`  ${ident(id)} AS (\n    ${raw(a.built.get(id)!.sql)}\n  )`);
    const query = (
      ctes.length > 0
        ? sql`WITH\n${joinSql(ctes, ',\n')}\nSELECT * FROM ${ident(input)}`
        : sql`SELECT * FROM ${ident(input)}`
    ).text;
    const added = addNode(next, 'sql-query', {
      x: (t.position?.x ?? 0) - 260,
      y: t.position?.y ?? 0,
    });
    const id = added.id;
    next = updateNode(
      added.job,
      id,
      (n) =>
        ({
          ...n,
          name: `SQL for ${t.name}`,
          options: { query, aliases: Object.fromEntries(sources.map((s) => [s, s])) },
        }) as JobNode,
    );
    next = {
      ...next,
      edges: [
        ...next.edges,
        ...sources.map((s, port) => ({ from: s, to: id, port })),
        { from: id, to: t.id, port: 0 },
      ],
    };
  }
  return next;
}

/**
 * `job` with Dropped file node `id` reading the file registered in the engine as `path`, with
 * the dialect and columns found in it; the node takes the file's name unless it was renamed.
 */
export function withDroppedFile(
  job: Job,
  id: NodeId,
  file: { name: string; path: string },
  found: Pick<Extract<JobNode, { kind: 'file-source' }>['options'], 'dialect' | 'columns'>,
): Job {
  return updateNode(job, id, (n) =>
    n.kind === 'file-source'
      ? {
          ...n,
          name: n.name === 'Dropped file' ? file.name : n.name,
          options: {
            ...n.options,
            path: file.path,
            dialect: found.dialect,
            columns: found.columns,
          },
        }
      : n,
  );
}
