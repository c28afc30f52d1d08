/** Jobs: the model, its checks, and its compiler to DuckDB SQL. */
export * from './model';
export type { JobIssue } from './errors';
export { JobError } from './errors';
export type { NodeColumn } from './columns';
export type { CompileContext, NodeFacts, SourceTable } from './context';
export { validateJob } from './validate';
export { compileJob, type CompiledJob, type CompiledTarget, type TargetWrite } from './compile';
export {
  columnsFromDescribe,
  describeSql,
  factsFromProbe,
  previewSql,
  probesFor,
  type Probe,
} from './describe';
export { analyzeJob, nodeLabel, type Analysis } from './analyze';
export { selectPartitions } from './partitions';
export { parameterValues } from './params';
export { createNode, nodeTitle, NODE_KINDS } from './create-node';
export type { SourceReads } from './nodes/node-module';
export type { TargetWriteFormat } from './nodes/target';
export { DEFAULT_ROW_GROUP_SIZE } from './nodes/target';
export { DEFAULT_RIGHT_PREFIX } from './nodes/join';
export { filterSql, isGroup, type ConditionScope } from './filter-sql';
export { partitionFolder } from './output-files';
