/**
 * A workflow's graph, as Glue draws it: its triggers (those naming the workflow), the jobs and
 * crawlers they start, and the runs conditional triggers watch. Checked for what Glue refuses or
 * what would never run: no start trigger, several, a cycle, a condition on something the workflow
 * never starts.
 */
import { conditionTarget } from './conditions';
import type { Trigger } from './model';

export interface WorkflowNode {
  /** `trigger:<id>`, `job:<name>` or `crawler:<name>`. */
  id: string;
  kind: 'trigger' | 'job' | 'crawler';
  /** The trigger's, job's or crawler's name. */
  name: string;
  /** Its distance from the start trigger, for drawing in columns. */
  depth: number;
}

export interface WorkflowEdge {
  from: string;
  to: string;
}

export interface WorkflowGraph {
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  /** The start trigger's node id, if there is exactly one. */
  start?: string;
  /** What is wrong, each message starting with `workflow "<name>":`; empty when it can run. */
  problems: string[];
}

/** Builds the graph of `workflowName` from all triggers (others are ignored). */
export function workflowGraph(workflowName: string, triggers: readonly Trigger[]): WorkflowGraph {
  const mine = triggers.filter((t) => t.workflowName === workflowName);
  const nodes = new Map<string, WorkflowNode>();
  const edges: WorkflowEdge[] = [];
  const problems: string[] = [];
  const say = (message: string) => problems.push(`workflow "${workflowName}": ${message}`);
  const node = (id: string) => {
    if (!nodes.has(id)) {
      const [kind, ...rest] = id.split(':');
      nodes.set(id, { id, kind: kind as WorkflowNode['kind'], name: rest.join(':'), depth: -1 });
    }
    return id;
  };

  const started = new Set<string>();
  for (const trigger of mine) {
    const t = node(`trigger:${trigger.id}`);
    nodes.get(t)!.name = trigger.name;
    for (const action of trigger.actions) {
      const target = node(
        action.kind === 'job' ? `job:${action.jobName}` : `crawler:${action.crawlerName}`,
      );
      started.add(target);
      edges.push({ from: t, to: target });
    }
  }
  for (const trigger of mine) {
    if (trigger.kind !== 'CONDITIONAL') continue;
    for (const condition of trigger.predicate.conditions) {
      const watched = conditionTarget(condition);
      if (!started.has(watched)) {
        const [kind, name] = [condition.kind, watched.slice(condition.kind.length + 1)];
        say(
          `trigger "${trigger.name}" watches ${kind} "${name}", which nothing in the workflow starts`,
        );
      }
      edges.push({ from: node(watched), to: `trigger:${trigger.id}` });
    }
  }

  const starts = mine.filter((t) => t.kind !== 'CONDITIONAL');
  if (mine.length === 0) say('has no triggers');
  else if (starts.length === 0) say('has no start trigger (ON_DEMAND, SCHEDULED or EVENT)');
  else if (starts.length > 1) {
    say(
      `has ${starts.length} start triggers (${starts.map((t) => `"${t.name}"`).join(', ')}); keep one`,
    );
  }

  const cycle = findCycle([...nodes.keys()], edges);
  if (cycle) say(`has a cycle: ${cycle.join(' → ')}`);

  const start = starts.length === 1 ? `trigger:${starts[0]!.id}` : undefined;
  if (start && !cycle) setDepths(start, nodes, edges);
  return { nodes: [...nodes.values()], edges, ...(start ? { start } : {}), problems };
}

function successors(edges: readonly WorkflowEdge[]): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  return next;
}

/** The first cycle found, as a closed path of node ids; undefined for a DAG. */
function findCycle(ids: readonly string[], edges: readonly WorkflowEdge[]): string[] | undefined {
  const next = successors(edges);
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const to of next.get(id) ?? []) {
      const found = visit(to);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}

/** Longest distance from the start (a node waits for all its inputs), in a DAG. */
function setDepths(
  start: string,
  nodes: Map<string, WorkflowNode>,
  edges: readonly WorkflowEdge[],
) {
  const next = successors(edges);
  const visit = (id: string, depth: number) => {
    const n = nodes.get(id)!;
    if (n.depth >= depth) return;
    n.depth = depth;
    for (const to of next.get(id) ?? []) visit(to, depth + 1);
  };
  visit(start, 0);
}
