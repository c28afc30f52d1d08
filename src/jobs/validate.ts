import type { CompileContext } from './context';
import type { JobIssue } from './errors';
import { analyzeJob } from './analyze';
import type { Job } from './model';

/**
 * Everything wrong with the job that can be known without running it: ids, edges and cycles,
 * inputs missing or too many (a Join needs two, a target one), options, parameters, and columns
 * that are not in a node's input wherever the input's columns are known (from the catalog, the
 * dropped file, the nodes before, or `ctx.schemas`). Each issue names its node. [] when none.
 */
export function validateJob(job: Job, ctx: CompileContext = {}): JobIssue[] {
  const { issues } = analyzeJob(job, ctx);
  if (!job.nodes.some((n) => n.kind === 'target'))
    issues.push({ message: 'add a target: a job writes its output somewhere' });
  return issues;
}
