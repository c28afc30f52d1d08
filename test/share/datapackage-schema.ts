import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';

const require = createRequire(import.meta.url);
/** ISO 8601 date-time, as JSON Schema's `date-time` format means it (RFC 3339). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The official Data Package profile `profile` (a draft-04 JSON Schema as the `datapackage`
 * registry package ships it, not a copy of ours) compiled with ajv.
 */
export function officialValidator(
  profile: 'tabular-data-package' | 'data-package',
): ValidateFunction {
  const schema = JSON.parse(
    readFileSync(require.resolve(`datapackage/src/profiles/${profile}.json`), 'utf8'),
  );
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', DATE_TIME);
  ajv.addFormat('email', /^[^@\s]+@[^@\s]+$/);
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:/i);
  ajv.addFormat('textarea', true);
  return ajv.compile(schema);
}

/** A validator's errors as `path: message` lines, for readable failures. */
export function errorLines(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}
