/** Where a package's files sit, relative to its root: `data/<resource>/<key=value>/part-00000.parquet`. */
import { partitionFolder } from '../jobs';

/** The folder of a table's Parquet files, named like its resource. */
export function tableFolder(resourceName: string): string {
  return `data/${resourceName}`;
}

/** The path of part `index` of a table, its partition folders kept (values escaped as Hive does). */
export function partPath(
  folder: string,
  partitionKeys: readonly string[],
  values: readonly (string | null)[],
  index: number,
): string {
  const partition = partitionFolder(partitionKeys, values);
  const file = `part-${String(index).padStart(5, '0')}.parquet`;
  return partition ? `${folder}/${partition}/${file}` : `${folder}/${file}`;
}
