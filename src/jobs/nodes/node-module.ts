import { quotedName } from '../../core/quoted-name';
import { findColumn, type NodeColumn } from '../columns';
import type { CompileContext, NodeFacts } from '../context';
import type { NodeId, NodeKind, NodeOf } from '../model';
import type { ParameterValues } from '../params';

/** One input of a node, as its compiler sees it. */
export interface NodeInput {
  id: NodeId;
  /** The input's CTE name, quoted: `"orders"`. */
  ref: string;
  /** Its output columns, or null when not known yet. */
  columns: readonly NodeColumn[] | null;
}

/** What a node compiler may read and where its problems go. */
export interface BuildEnv {
  ctx: CompileContext;
  params: ParameterValues;
  facts: NodeFacts | undefined;
  /** Records a problem on this node; `message` is said of the node (no label needed). */
  issue(message: string): void;
}

/** What a source reads, for progress, bookmarks and "files the next run will process". */
export interface SourceReads {
  nodeId: NodeId;
  /** `database.table` or the dropped file's registered name. */
  table?: { database: string; name: string };
  file?: string;
  /** Partition locations read; null when the source is not partitioned. */
  partitions: string[] | null;
  /** Catalog paths of the files read; null when not known (no `scan` for the table). */
  files: string[] | null;
  /** True when only the needed files are read; false when the whole table is read and filtered. */
  pruned: boolean;
}

export interface Built {
  /** The node's query: the body of its CTE (for a target, the final SELECT). */
  sql: string;
  /** Output columns, or null when only the engine can say (describe the node). */
  columns: NodeColumn[] | null;
  reads?: SourceReads;
}

/** How one kind of node is configured, checked and compiled. */
export interface NodeModule<K extends NodeKind> {
  kind: K;
  /** Glue Studio's name for it, e.g. `Change Schema`. */
  title: string;
  category: 'source' | 'transform' | 'target';
  /** How many inputs it takes. */
  inputs: { min: number; max: number };
  /** Options of a new node of this kind. */
  defaults(): NodeOf<K>['options'];
  /** SQL and output columns; reports problems (unknown columns, bad options) to `env.issue`. */
  build(node: NodeOf<K>, inputs: readonly NodeInput[], env: BuildEnv): Built;
}

/**
 * The input column `name`, or: undefined after reporting that it is missing, null when the
 * input's columns are not known (nothing to check).
 */
export function needColumn(
  input: NodeInput,
  name: string,
  env: BuildEnv,
  where = 'its input',
): NodeColumn | null | undefined {
  if (input.columns === null) return null;
  const c = findColumn(input.columns, name);
  if (!c) env.issue(`column ${quotedName(name)} is not in ${where}`);
  return c;
}

/** Reports a new column name that is empty or holds a NUL; true when it is usable. */
export function checkNewName(name: string, what: string, env: BuildEnv): boolean {
  if (name.length === 0) {
    env.issue(`${what} has no name`);
    return false;
  }
  if (name.includes('\0')) {
    env.issue(`${what} ${quotedName(name)} contains a NUL character`);
    return false;
  }
  return true;
}

/** The first input (every one-input node has it once inputs are checked). */
export function only(inputs: readonly NodeInput[]): NodeInput {
  return inputs[0] ?? { id: '', ref: '""', columns: null };
}
