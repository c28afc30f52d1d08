import { quotedName } from '../core/quoted-name';
import { ident } from '../core/sql/sql-template';
import { asciiLower } from '../core/sql/table-view';
import type { NodeColumn } from './columns';
import type { CompileContext } from './context';
import type { JobIssue } from './errors';
import { inputEdges, nodesById, topologicalOrder, withAncestors } from './graph';
import type { Job, JobNode, NodeId } from './model';
import { nodeModule } from './nodes';
import type { Built, NodeInput } from './nodes/node-module';
import { parameterValues, PARAMETER_NAME } from './params';

/** Every node checked and compiled in dependency order: what validate, compile and describe share. */
export interface Analysis {
  /** Node ids, each after its inputs; nodes on a cycle are left out. */
  order: NodeId[];
  nodes: Map<NodeId, JobNode>;
  /** Each analysed node's SQL and output columns (columns from `ctx.schemas` when given). */
  built: Map<NodeId, Built>;
  issues: JobIssue[];
}

/** `Join "orders+customers"`: how messages name a node. */
export function nodeLabel(node: JobNode): string {
  const title = nodeModule(node.kind)?.title ?? 'Node';
  return `${title} ${quotedName(node.name)}`;
}

/** `"node-id"`: a node's CTE name. */
export function nodeRef(id: NodeId): string {
  return ident(id).text;
}

/**
 * Checks the job's shape (ids, edges, cycles, parameters, input counts) and builds every node —
 * or, with `only`, those nodes and their ancestors. Never throws: problems are issues.
 */
export function analyzeJob(job: Job, ctx: CompileContext = {}, only?: Iterable<NodeId>): Analysis {
  const issues: JobIssue[] = [];
  const nodes = nodesById(job);
  const wanted = only === undefined ? null : withAncestors(job, only);
  const inScope = (id: NodeId) => wanted === null || wanted.has(id);

  checkIds(job, issues, inScope);
  for (const p of job.parameters)
    if (!PARAMETER_NAME.test(p.name))
      issues.push({
        message: `parameter ${quotedName(p.name)} cannot be a name: use letters, digits, _ . - and start with a letter or _`,
      });
  for (const e of job.edges) {
    if (!inScope(e.to)) continue;
    if (!nodes.has(e.from) || !nodes.has(e.to))
      issues.push({
        nodeId: nodes.has(e.to) ? e.to : undefined,
        message: `an edge joins ${quotedName(e.from)} to ${quotedName(e.to)}, and there is no node ${quotedName(nodes.has(e.from) ? e.to : e.from)}`,
      });
    else if (e.from === e.to)
      issues.push({ nodeId: e.to, message: `${nodeLabel(nodes.get(e.to)!)} reads from itself` });
  }
  const { order, cycle } = topologicalOrder(job);
  if (cycle && cycle.some(inScope)) {
    const names = cycle.map((id) => nodeLabel(nodes.get(id)!));
    issues.push({
      nodeId: cycle[0],
      message: `${names[0]}: its output comes back to it (${[...names, names[0]].join(' → ')})`,
    });
  }

  const params = parameterValues(job, ctx);
  const built = new Map<NodeId, Built>();
  const scoped = order.filter(inScope);
  for (const id of scoped) {
    const node = nodes.get(id)!;
    const label = nodeLabel(node);
    const issue = (message: string) => issues.push({ nodeId: id, message: `${label}: ${message}` });
    const module = nodeModule(node.kind);
    if (!module) {
      issue(`${quotedName(node.kind)} is not a kind of node this version of Decant knows`);
      continue;
    }
    const inputs = inputsOf(job, node, nodes, built, ctx, issue, module.inputs);
    if (inputs === null) continue;
    try {
      const b = module.build(node as never, inputs, {
        ctx,
        params,
        facts: ctx.facts?.get(id),
        issue,
      });
      const known = ctx.schemas?.get(id);
      const sampled = sampleOf(node.kind, b, ctx.sourceSample);
      built.set(id, known ? { ...sampled, columns: known.map((c) => ({ ...c })) } : sampled);
    } catch (e) {
      // A name the quoting refuses (a NUL), a type that is not one: said on the node.
      issue(e instanceof Error ? e.message : String(e));
    }
  }
  return { order: scoped, nodes, built, issues };
}

function checkIds(job: Job, issues: JobIssue[], inScope: (id: NodeId) => boolean): void {
  const seen = new Map<string, JobNode>();
  for (const n of job.nodes) {
    if (!inScope(n.id)) continue;
    if (n.id === '' || n.id.includes('\0')) {
      issues.push({ nodeId: n.id, message: `${nodeLabel(n)}: its id is empty or holds a NUL` });
      continue;
    }
    const other = seen.get(asciiLower(n.id));
    if (other)
      issues.push({
        nodeId: n.id,
        message: `${nodeLabel(n)} and ${nodeLabel(other)} have the same id ${quotedName(n.id)} (ids ignore case)`,
      });
    else seen.set(asciiLower(n.id), n);
  }
}

/** The node's inputs by port, checked against what its kind takes; null when they are wrong. */
function inputsOf(
  job: Job,
  node: JobNode,
  nodes: Map<NodeId, JobNode>,
  built: Map<NodeId, Built>,
  ctx: CompileContext,
  issue: (message: string) => void,
  wants: { min: number; max: number },
): NodeInput[] | null {
  const edges = inputEdges(job, node.id).filter((e) => nodes.has(e.from) && e.from !== e.to);
  const n = edges.length;
  let wrong = false;
  const problem = (message: string) => {
    issue(message);
    wrong = true;
  };
  if (n < wants.min || n > wants.max) problem(inputCountProblem(node, wants, n));
  if (edges.some((e, i) => e.port !== i))
    problem(
      `its inputs are numbered ${edges.map((x) => x.port).join(', ')}; they must be 0, 1, … with none twice`,
    );
  for (const e of edges)
    if (nodes.get(e.from)!.kind === 'target')
      problem(`it reads from ${nodeLabel(nodes.get(e.from)!)}, a target, which has no output`);
  if (wrong) return null;
  return edges.map((e) => {
    const known = ctx.schemas?.get(e.from);
    const columns: readonly NodeColumn[] | null = known ?? built.get(e.from)?.columns ?? null;
    return { id: e.from, ref: nodeRef(e.from), columns };
  });
}

function inputCountProblem(node: JobNode, wants: { min: number; max: number }, n: number): string {
  const has = `it has ${n === 0 ? 'none' : n}`;
  if (node.kind === 'join') return `a join needs two inputs, left and right; ${has}`;
  if (wants.max === 0) return `a source reads no input; ${has}`;
  if (node.kind === 'target') return `a target needs one input; ${has}`;
  if (wants.max === Infinity)
    return `it needs at least ${wants.min === 1 ? 'one input' : `${wants.min} inputs`}; ${has}`;
  return `it needs ${wants.min === 1 ? 'one input' : `${wants.min} inputs`}; ${has}`;
}

/** A source's rows cut to the preview's sample (see CompileContext.sourceSample). */
function sampleOf(kind: string, b: Built, sample: number | undefined): Built {
  if (sample === undefined || !(kind === 'catalog-source' || kind === 'file-source')) return b;
  const n = Number.isSafeInteger(sample) && sample > 0 ? sample : 1;
  return { ...b, sql: `SELECT * FROM (${b.sql}) LIMIT ${n}` };
}
