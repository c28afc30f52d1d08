/** The Script tab's exports of one job: each script, or why it cannot be made yet. */
import { JobError, type Job, type NodeId } from '../jobs';
import { duckdbScript } from './duckdb-script';
import { pysparkScript } from './pyspark-script';
import type { GeneratedScript, ScriptContext } from './script-model';

export interface JobScripts {
  duckdb: GeneratedScript | { error: string };
  pyspark: GeneratedScript | { error: string };
  /** Both scripts' flags by node (each once), for the canvas. */
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
  for (const s of [duckdb, pyspark])
    if ('flags' in s)
      for (const f of s.flags) {
        if (f.nodeId === undefined) continue;
        const said = flagsByNode.get(f.nodeId) ?? [];
        const text = `${s.engine === 'duckdb' ? 'DuckDB script' : 'Spark'}: ${f.detail ?? f.message}`;
        const same = f.detail ?? f.message;
        if (!said.some((x) => x.endsWith(`: ${same}`))) flagsByNode.set(f.nodeId, [...said, text]);
      }
  return { duckdb, pyspark, flagsByNode };
}
