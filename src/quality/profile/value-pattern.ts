/**
 * A value's shape, as the profile's SQL computes it (profile-sql.ts `pattern`): of its first
 * PATTERN_PREFIX characters, upper-case letters become `A`, lower-case `a`, decimal digits `9`,
 * everything else stays. Used for columns whose every value was counted, so no row is
 * rewritten by a regular expression in the engine.
 */
import { PATTERN_PREFIX } from './profile-sql';

export function valuePattern(value: string): string {
  return Array.from(value)
    .slice(0, PATTERN_PREFIX)
    .join('')
    .replace(/\p{Lu}/gu, 'A')
    .replace(/\p{Ll}/gu, 'a')
    .replace(/\p{Nd}/gu, '9');
}
