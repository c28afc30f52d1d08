import type { Job, JobEdge, JobNode, NodeId } from './model';

/** The edges into `id`, by port. */
export function inputEdges(job: Pick<Job, 'edges'>, id: NodeId): JobEdge[] {
  return job.edges.filter((e) => e.to === id).sort((a, b) => a.port - b.port);
}

/** The nodes by id (the first of duplicate ids wins; validateJob reports duplicates). */
export function nodesById(job: Pick<Job, 'nodes'>): Map<NodeId, JobNode> {
  const byId = new Map<NodeId, JobNode>();
  for (const n of job.nodes) if (!byId.has(n.id)) byId.set(n.id, n);
  return byId;
}

/**
 * Node ids with every node after its inputs (ties in the job's node order), and the nodes left
 * out because they are on or after a cycle: `cycle` lists one cycle's nodes, or is null. Edges
 * from or to unknown ids are ignored.
 */
export function topologicalOrder(job: Pick<Job, 'nodes' | 'edges'>): {
  order: NodeId[];
  cycle: NodeId[] | null;
} {
  const byId = nodesById(job);
  const pending = new Map<NodeId, number>();
  const next = new Map<NodeId, NodeId[]>();
  for (const id of byId.keys()) {
    pending.set(id, 0);
    next.set(id, []);
  }
  for (const e of job.edges) {
    if (!byId.has(e.from) || !byId.has(e.to)) continue;
    pending.set(e.to, pending.get(e.to)! + 1);
    next.get(e.from)!.push(e.to);
  }
  const position = new Map([...byId.keys()].map((id, i) => [id, i]));
  const ready = [...byId.keys()].filter((id) => pending.get(id) === 0);
  const order: NodeId[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => position.get(a)! - position.get(b)!);
    const id = ready.shift()!;
    order.push(id);
    for (const to of next.get(id)!) {
      const left = pending.get(to)! - 1;
      pending.set(to, left);
      if (left === 0) ready.push(to);
    }
  }
  if (order.length === byId.size) return { order, cycle: null };
  return { order, cycle: findCycle(job, new Set(order)) };
}

/** One cycle among the nodes not in `done`, in edge order. */
function findCycle(job: Pick<Job, 'nodes' | 'edges'>, done: ReadonlySet<NodeId>): NodeId[] {
  const edges = job.edges.filter((e) => !done.has(e.from) && !done.has(e.to));
  const start = edges[0]?.from;
  if (start === undefined) return [];
  // Every remaining node has a remaining input, so walking backwards must revisit a node.
  const path: NodeId[] = [];
  const seen = new Map<NodeId, number>();
  let at = start;
  while (!seen.has(at)) {
    seen.set(at, path.length);
    path.push(at);
    at = edges.find((e) => e.to === at)!.from;
  }
  const cycle = path.slice(seen.get(at)).reverse();
  // Start at the cycle's node that comes first in the job, so the message is stable.
  const first = cycle.indexOf(job.nodes.find((n) => cycle.includes(n.id))!.id);
  return [...cycle.slice(first), ...cycle.slice(0, first)];
}

/** `ids` and every node they read from, directly or not. */
export function withAncestors(job: Pick<Job, 'edges'>, ids: Iterable<NodeId>): Set<NodeId> {
  const out = new Set<NodeId>();
  const stack = [...ids];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    for (const e of job.edges) if (e.to === id) stack.push(e.from);
  }
  return out;
}
