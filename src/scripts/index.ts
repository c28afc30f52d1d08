/** Scripts: a job exported to run beyond the tab (native DuckDB SQL, AWS Glue PySpark). */
export * from './script-model';
export { duckdbScript, locationVariable, fileVariable, OUTPUT_VARIABLE } from './duckdb-script';
export { pysparkScript, OUTPUT_PARAMETER } from './pyspark-script';
export { toSparkSql, type SparkPiece, type Translation } from './spark-sql';
export { sparkType } from './spark-types';
export { sparkTimePattern } from './time-patterns';
export { scriptTableOf } from './catalog-tables';
export { exportScripts, type JobScripts } from './export-scripts';
export { glueBundle, glueBundleName, type GlueBundle, type GlueBundleOptions } from './glue-bundle';
