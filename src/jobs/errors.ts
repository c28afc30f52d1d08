import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';
import type { NodeId } from './model';

/** Something wrong with a job, placed on the node that causes it (none: the job as a whole). */
export interface JobIssue {
  nodeId?: NodeId;
  /** Starts with the node, e.g. `Join "orders+customers": column "customer_id" is not in the right input`. */
  message: string;
}

/**
 * A job that cannot compile: `job "daily": ` and the first issue; `issues` has them all and
 * `nodeId` the first issue's node.
 */
export class JobError extends DecantError {
  override name = 'JobError';
  readonly nodeId?: NodeId;
  readonly issues: readonly JobIssue[];

  constructor(jobName: string, issues: readonly JobIssue[]) {
    const first = issues[0]?.message ?? 'it cannot be compiled';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`job ${quotedName(jobName)}: ${first}${more}`);
    this.nodeId = issues[0]?.nodeId;
    this.issues = issues;
  }
}
