import { quotedName } from '../core/quoted-name';
import type { Withheld } from './share-rules';

/**
 * What a share withheld, as sentences for datapackage.json and the README; [] when it withheld
 * nothing. Never mentions the salt: it stays with the sender.
 */
export function withheldSentences(w: Withheld): string[] {
  const names = (list: readonly string[]) => list.map(quotedName).join(', ');
  const plural = (list: readonly string[], one: string, many: string) =>
    list.length === 1 ? one : many;
  const out: string[] = [];
  if (w.omitted.length)
    out.push(
      `${plural(w.omitted, 'Column', 'Columns')} ${names(w.omitted)} ` +
        `${plural(w.omitted, 'is', 'are')} left out: no value of ${plural(w.omitted, 'it', 'them')} is in this package.`,
    );
  if (w.hashed.length)
    out.push(
      `${plural(w.hashed, 'Column', 'Columns')} ${names(w.hashed)} ${plural(w.hashed, 'is', 'are')} ` +
        'hashed: each value is replaced by the hex SHA-256 of a secret salt followed by the value, ' +
        'so equal values keep equal tokens (they still join) but the values cannot be read back.',
    );
  if (w.redacted.length)
    out.push(
      `${plural(w.redacted, 'Column', 'Columns')} ${names(w.redacted)} ${plural(w.redacted, 'is', 'are')} ` +
        'redacted: every value is empty (null).',
    );
  const partial = w.partial ?? [];
  if (partial.length)
    out.push(
      `${plural(partial, 'Column', 'Columns')} ${names(partial)} ${plural(partial, 'is', 'are')} ` +
        'partly redacted: each value is shown as text with every character but its last 4 replaced by "*".',
    );
  if (w.rowFilter) out.push(`Only rows where ${w.rowFilter} are included.`);
  return out;
}
