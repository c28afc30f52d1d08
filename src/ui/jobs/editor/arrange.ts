import dagre from '@dagrejs/dagre';
import type { Job, NodeId } from '../../../jobs';

/** A node's drawn size when the canvas has not measured it yet. */
export const DEFAULT_NODE_SIZE = { width: 220, height: 110 };

/**
 * "Arrange": left-to-right layers (sources first, targets last) by dagre, from each node's drawn
 * size. Returns every node's new top-left corner.
 */
export function arrangedPositions(
  job: Pick<Job, 'nodes' | 'edges'>,
  sizeOf: (id: NodeId) => { width: number; height: number } | undefined,
): Map<NodeId, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of job.nodes) g.setNode(n.id, { ...(sizeOf(n.id) ?? DEFAULT_NODE_SIZE) });
  const ids = new Set(job.nodes.map((n) => n.id));
  for (const e of job.edges) if (ids.has(e.from) && ids.has(e.to)) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const out = new Map<NodeId, { x: number; y: number }>();
  for (const n of job.nodes) {
    const p = g.node(n.id);
    out.set(n.id, { x: Math.round(p.x - p.width / 2), y: Math.round(p.y - p.height / 2) });
  }
  return out;
}
