// The Data Catalog's public face: its store, search, Glue/Athena export and import. The database
// itself (schema, migrations, the page's connection) is src/storage's.
export {
  CatalogStore,
  type CatalogChange,
  type CatalogTrash,
  type ImportResult,
  type TableDraft,
} from './catalog-store';
export { CatalogIndex, type CatalogSearchHit } from './search-index';
export {
  athenaDdl,
  catalogExport,
  duckDbTypeToGlue,
  glueTypeToDuckDb,
  tableInputFromTable,
  type CatalogExportDocument,
  type GlueTableInput,
} from './glue-export';
export { importKey, planImport, type ImportConflict, type ImportPlan } from './glue-import';
export type * from './model';
export {
  attachedTableFrom,
  dialectFromParameters,
  fileFromSource,
  grantAccess,
  jsonTableFrom,
  parametersFromDialect,
  parquetTableFrom,
  SourceUnavailable,
} from './table-files';
export { addTableWithCopy, type CopyKeeper } from './add-table';
export {
  athenaJsonWarning,
  jsonLayoutFromHead,
  jsonLayoutOfTable,
  type JsonLayout,
} from './json-layout';
export { serveTable, type Attachment, type ServeDeps } from './serve-table';
export {
  presignS3Object,
  s3LockedMessage,
  setS3ObjectPresigner,
  type S3ObjectPresigner,
  type S3ObjectRef,
} from './s3-object-urls';
export {
  COLUMN_TYPE_CHOICES,
  MAX_DECIMAL_PRECISION,
  typeChoiceOf,
  typeFromChoice,
  type TypeChoice,
} from './column-types';
export { describeChanges, diffSchemas } from './schema-diff';
export { runWrite } from './write-runner';
export { bindIssues, boundTable, definitionsOnlyWarning, type BindCandidate } from './bind-files';
