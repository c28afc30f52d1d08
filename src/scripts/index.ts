/** Scripts: a job exported to run beyond the tab (native DuckDB SQL, AWS Glue PySpark). */
export * from './script-model';
export { duckdbScript, locationVariable, fileVariable, OUTPUT_VARIABLE } from './duckdb-script';
