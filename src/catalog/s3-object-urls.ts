/**
 * How a table's S3 sources (kind 's3') get a URL the engine can read by ranges: a presigner the
 * app registers at start-up, signing in the tab with the credentials it holds in memory. The
 * catalog keeps no credential; with none in the tab the presigner answers null and the table
 * says it is locked (see fileFromSource).
 */
export interface S3ObjectRef {
  bucket: string;
  key: string;
  region: string;
  endpoint?: string;
}

/** A GET URL presigned for `o`, or null when no credentials are held. Never logged. */
export type S3ObjectPresigner = (o: S3ObjectRef) => Promise<string | null>;

let presigner: S3ObjectPresigner = () => Promise.resolve(null);

/** Registered once by the composition root (src/app/boot.ts). */
export function setS3ObjectPresigner(p: S3ObjectPresigner): void {
  presigner = p;
}

export function presignS3Object(o: S3ObjectRef): Promise<string | null> {
  return presigner(o);
}

/** The words a table with S3 sources shows when no credentials are in the tab. */
export function s3LockedMessage(path: string, bucket: string): string {
  return (
    `catalog: "${path}" is read from s3://${bucket}/ with your AWS credentials, and this tab ` +
    `holds none: locked — enter your AWS credentials or unlock the saved ones, then open the table again`
  );
}
