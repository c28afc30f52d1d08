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
export { withAncestors } from './graph';
export * from './edits';
export {
  describeJob,
  engineErrorText,
  rowsOf,
  type EngineAnswer,
  type EngineFindings,
  type SqlRunner,
} from './node-schemas';
export * from './run-model';
export { argumentsFromText, argumentsText } from './run-arguments';
export { JobStore } from './store';
export { JobService, type JobServiceDeps } from './job-service';
export { JobRunner, jobLockName, type RunnerDeps } from './run/job-runner';
export { browserOutputPlaces } from './run/output';
export { writeStreamed, type StreamedOutput } from './run/output';
export { nextFilesOf, type NextFiles } from './run/sources';
export { s3KeyPrefix, s3TargetIssues, s3TargetUri, s3TargetUriParts } from './s3-target';
export type {
  JobCatalog,
  JobEngine,
  OutputPlaces,
  S3ObjectPlace,
  S3Output,
  SourceAccess,
  StagedFile,
  TargetOutput,
  TargetProgress,
} from './run/ports';
export {
  afterEdit,
  COALESCE_MS,
  emptyHistory,
  redoStep,
  undoStep,
  type EditHistory,
} from './edit-history';
export { editorSources, type EditorCatalog } from './editor-sources';
export { kindsMatching, nodeHeading, type NodeHeading } from './node-titles';
export { filterSql, isGroup, type ConditionScope } from './filter-sql';
export {
  exportRows,
  safeFileName,
  OPFS_EXPORTS_FOLDER,
  type ExportCompression,
  type ExportDestination,
  type ExportFormat,
  type ExportProgress,
  type ExportUpload,
  type ExportRequest,
  type ExportResult,
} from './export-data';
export {
  keepParquet,
  materializeTable,
  runIdNow,
  OPFS_PARQUET_FOLDER,
  type KeptParquet,
  type MaterializeProgress,
  type ParquetPlace,
} from './materialize';
export { nodeSql } from './describe';
export * from './recipes';
export { outputExtension, partitionFolder } from './output-files';
export {
  DUCKDB_DIALECT,
  entityListSql,
  SQL_ENTITY_TYPES,
  type SqlDialect,
  type SqlEntityType,
} from '../quality';
export { sensitivePlan, type SensitivePlan } from './sensitive-plan';
export { patternProblem } from '../quality';
export { jobWithoutSecrets } from './nodes/detect-sensitive-data';
