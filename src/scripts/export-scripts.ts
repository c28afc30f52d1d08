/** The Script tab's exports of one job: each script, or why it cannot be made yet. */
import { JobError, type Job, type NodeId } from '../jobs';
import { duckdbScript } from './duckdb-script';
import { pysparkScript } from './pyspark-script';
import type { GeneratedScript, ScriptContext } from './script-model';

export interface JobScripts {
  duckdb: GeneratedScript | { error: string };
  pyspark: GeneratedScript | { error: string };
  /** The PySpark flags by node, for the canvas. */
  flagsByNode: Map<NodeId, string[]>;
}

function attempt(make: () => GeneratedScript): GeneratedScript | { error: string } {
  try {
    return make();
  } catch (e) {
    if (e instanceof JobError || e instanceof Error) return { error: e.message };
    throw e;
  }
}

/** Both scripts of `job` (a job that does not compile gives its problems instead). */
export function exportScripts(job: Job, ctx: ScriptContext): JobScripts {
  const duckdb = attempt(() => duckdbScript(job, ctx));
  const pyspark = attempt(() => pysparkScript(job, ctx));
  const flagsByNode = new Map<NodeId, string[]>();
  if ('flags' in pyspark)
    for (const f of pyspark.flags)
      if (f.nodeId !== undefined)
        flagsByNode.set(f.nodeId, [...(flagsByNode.get(f.nodeId) ?? []), f.detail ?? f.message]);
  return { duckdb, pyspark, flagsByNode };
}
