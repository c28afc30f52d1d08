/**
 * The bucket CORS rule Decant needs to read objects from a page at `origin`: GET (and HEAD for
 * other tools), the `Range` request header, and the response headers a ranged read looks at.
 */
export interface CorsRule {
  AllowedOrigins: string[];
  AllowedMethods: string[];
  AllowedHeaders: string[];
  ExposeHeaders: string[];
  MaxAgeSeconds: number;
}

export function corsRuleFor(origin: string): CorsRule {
  return {
    AllowedOrigins: [origin],
    AllowedMethods: ['GET', 'HEAD'],
    AllowedHeaders: ['Range'],
    ExposeHeaders: ['Content-Range', 'Content-Length', 'ETag', 'Last-Modified'],
    MaxAgeSeconds: 3000,
  };
}

/** The rule as the S3 console's "Cross-origin resource sharing (CORS)" editor takes it (JSON). */
export function corsRuleJson(origin: string): string {
  return JSON.stringify([corsRuleFor(origin)], null, 2);
}

/** The rule as a PutBucketCors body (`aws s3api put-bucket-cors` takes the JSON form instead). */
export function corsRuleXml(origin: string): string {
  const r = corsRuleFor(origin);
  const tags = (name: string, values: (string | number)[]) =>
    values.map((v) => `    <${name}>${escapeXml(String(v))}</${name}>`);
  return [
    '<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    '  <CORSRule>',
    ...tags('AllowedOrigin', r.AllowedOrigins),
    ...tags('AllowedMethod', r.AllowedMethods),
    ...tags('AllowedHeader', r.AllowedHeaders),
    ...tags('ExposeHeader', r.ExposeHeaders),
    ...tags('MaxAgeSeconds', [r.MaxAgeSeconds]),
    '  </CORSRule>',
    '</CORSConfiguration>',
  ].join('\n');
}

function escapeXml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
