import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ProxyDataRules, ProxyEntry } from './s3-proxy';
import type { BucketSpec } from './s3-server';

export interface S3Stack {
  /** s3rver itself (lenient: HEAD on presigned GET URLs, unchecked signatures). */
  server: string;
  /** The proxy in front of it that answers as S3 does: what Decant is pointed at. */
  proxy: string;
  /** Requests the proxy saw since the last reset. */
  log(): Promise<ProxyEntry[]>;
  reset(): Promise<void>;
  /** Replaces the proxy's data rules (credentials, region, denied prefixes, failing parts). */
  setRules(rules: ProxyDataRules): Promise<void>;
  close(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./s3-stack-main.ts', import.meta.url));

/**
 * s3rver and the S3 proxy (s3-proxy.ts) in a child process, so a test may block its own thread
 * on a synchronous read (DuckDB's) while they answer.
 */
export async function startS3Stack(buckets: BucketSpec[]): Promise<S3Stack> {
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '--import', 'tsx', MAIN, JSON.stringify(buckets)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`s3 stack exited with ${code}`)));
  });
  const { server, proxy } = JSON.parse(first) as { server: string; proxy: string };
  return {
    server,
    proxy,
    log: async () => (await fetch(`${proxy}/__proxy/log`)).json() as Promise<ProxyEntry[]>,
    reset: async () => void (await fetch(`${proxy}/__proxy/reset`, { method: 'POST' })),
    setRules: async (rules) =>
      void (await fetch(`${proxy}/__proxy/rules`, { method: 'POST', body: JSON.stringify(rules) })),
    close: () =>
      new Promise<void>((r) => {
        child.once('exit', () => r());
        child.stdin!.end();
      }),
  };
}

/** A CORS rule as S3's console JSON shows it; what Decant names for reads or uploads. */
export interface CorsRuleJson {
  AllowedOrigins: string[];
  AllowedMethods: string[];
  AllowedHeaders: string[];
  ExposeHeaders: string[];
  MaxAgeSeconds: number;
}

/** `rule` as the XML s3rver's PutBucketCors takes. */
export function corsXml(rule: CorsRuleJson): string {
  const tags = (name: string, values: (string | number)[]) =>
    values.map((v) => `<${name}>${v}</${name}>`).join('');
  return (
    '<CORSConfiguration><CORSRule>' +
    tags('AllowedOrigin', rule.AllowedOrigins) +
    tags('AllowedMethod', rule.AllowedMethods) +
    tags('AllowedHeader', rule.AllowedHeaders) +
    tags('ExposeHeader', rule.ExposeHeaders) +
    tags('MaxAgeSeconds', [rule.MaxAgeSeconds]) +
    '</CORSRule></CORSConfiguration>'
  );
}
