import type { JobNode, NodeId, NodeKind, NodeOf } from './model';
import { NODE_MODULES } from './nodes';

/** Every kind, in palette order, with Glue Studio's name and its category. */
export const NODE_KINDS: readonly {
  kind: NodeKind;
  title: string;
  category: 'source' | 'transform' | 'target';
}[] = Object.values(NODE_MODULES).map((m) => ({
  kind: m.kind,
  title: m.title,
  category: m.category,
}));

/** Glue Studio's name for a kind, e.g. `Change Schema`. */
export function nodeTitle(kind: NodeKind): string {
  return NODE_MODULES[kind].title;
}

/** A new node of `kind` with its default options; `name` defaults to the kind's title. */
export function createNode<K extends NodeKind>(kind: K, id: NodeId, name?: string): NodeOf<K> {
  const module = NODE_MODULES[kind];
  return {
    id,
    kind,
    name: name ?? module.title,
    options: module.defaults(),
  } as JobNode as NodeOf<K>;
}
