// Sharing's public face: share rules, the data package, its README and files.
export {
  compileShare,
  filterWords,
  shareIssues,
  shareTargetSpec,
  type ColumnTreatment,
  type CompiledShare,
  type SharedColumn,
  type ShareRules,
  type ShareSource,
  type Withheld,
} from './share-rules';
export {
  dataPackageFromTables,
  fieldTypeFromDuckDb,
  type DataPackage,
  type DataResource,
  type PackagedFile,
  type PackagedTable,
  type PackageInfo,
} from './datapackage';
export { withheldSentences } from './withheld-words';
export { recipeExposures, withheldColumns } from './recipe-exposure';
export {
  escapeMarkdown,
  packageReadme,
  shownStatistics,
  type ReadmeStatistics,
} from './package-readme';
export {
  packageEntries,
  packageZip,
  sharedCatalogTable,
  PLACEHOLDER_LOCATION,
  type PackageEntry,
  type PackageInput,
  type PackageTableInput,
  type SharedPart,
} from './package-files';
export {
  S3Uploader,
  MIN_PART_SIZE,
  type S3Bucket,
  type S3Transport,
  type TemporaryCredentials,
  type UploadOptions,
} from './s3-upload';
export { uploadCorsRule, type S3Action } from './s3-errors';
export { uploadPackage } from './package-upload';
export {
  checkDigest,
  insidePackage,
  listedFiles,
  verifyFile,
  type ListedFile,
} from './verify-package';
export {
  fileUrl,
  linkFragment,
  linkFromFragment,
  linkWarning,
  presignPackage,
  MAX_LINK_SECONDS,
  type PackageLink,
} from './share-link';
export {
  prepareShare,
  removeScratch,
  type ShareScratch,
  previewSql,
  sharedStatistics,
  SHARE_FORMAT,
  type PrepareProgress,
  type ShareDeps,
  type ShareEngine,
  type ShareRequest,
  type ShareTableRequest,
} from './share-service';
export { writePackageToFolder } from './package-folder';
export { postPackage, presignedPostFrom, type PostOptions, type PresignedPost } from './s3-post';
export { s3DestinationFrom, type S3Destination } from './s3-destination';
export {
  browserFetch,
  fetchChecked,
  folderPackageSource,
  linkPackageSource,
  urlPackageSource,
  zipPackageSource,
  type FetchPort,
  type FolderFile,
  type PackageFile,
  type PackageSource,
} from './package-source';
export {
  byteSourceOf,
  cellText,
  previewPackageTable,
  previewParquet,
  type PreviewRows,
} from './package-preview';
export {
  previewTable,
  readPackage,
  tableColumns,
  whenText,
  type OpenedPackage,
  type PackageRecipe,
  type PackageTable,
  type PreviewEngine,
  type TablePreview,
} from './open-package';
export {
  addPackage,
  databaseNameFor,
  LINK_EXPIRES_PARAMETER,
  PACKAGE_PARAMETER,
  type AddPackagePorts,
  type AddProgress,
} from './add-package';
