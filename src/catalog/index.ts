// The Data Catalog's public face: storage (db, store), search, Glue/Athena export and import.
export {
  CATALOG_DB_VERSION,
  openCatalogDb,
  type CatalogDb,
  type CatalogDbSchema,
} from '../storage';
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
