/**
 * Runs s3rver and the S3 proxy in a process of their own (see s3-stack.ts): a test that reads
 * through DuckDB blocks its own thread on each read, so the servers must not share it.
 * Prints `{"server": …, "proxy": …}` on one line, then serves until stdin closes.
 */
import { startS3Proxy } from './s3-proxy';
import { SECRET_ACCESS_KEY, ACCESS_KEY_ID, startS3Server, type BucketSpec } from './s3-server';

const buckets = JSON.parse(process.argv[2] ?? '[]') as BucketSpec[];
const server = await startS3Server(buckets);
const proxy = await startS3Proxy(
  server.endpoint,
  (id) => (id === ACCESS_KEY_ID ? SECRET_ACCESS_KEY : undefined),
  // The data rules come later from the test (S3Stack.setRules); these answer what s3rver lacks.
  { abortUpload: server.abortUpload, listUploads: server.uploadsInProgress },
);
process.stdout.write(JSON.stringify({ server: server.endpoint, proxy: proxy.endpoint }) + '\n');
process.stdin.resume();
process.stdin.on('end', () => {
  void Promise.all([proxy.close(), server.close()]).then(() => process.exit(0));
  // s3rver's close waits on the proxy's idle keep-alive sockets to it: exit anyway.
  setTimeout(() => process.exit(0), 3000).unref();
});
