/**
 * The user's own sensitive entity types (Glue's custom entity types): a name, a regular
 * expression and optional context words (a column is checked only when its name holds one),
 * kept in the settings store; and dates of birth, found in a date column whose name says
 * birth when the table also has a name column.
 */
import { DecantError } from '../../core/errors';
import { patternProblem } from './sensitive-sql';
import type { CatalogDb } from '../../storage/schema';
import { ENTITY_TYPES } from './detectors';

export interface CustomEntityType {
  name: string;
  /** A regular expression (RE2's subset of JavaScript's: no look-around, no backreferences). */
  pattern: string;
  /** Words one of which a column's name must hold (any case); none: every column. */
  contextWords?: string[];
}

/** A problem with one entity type, placed on its field. */
export interface CustomEntityProblem {
  index: number;
  field: 'name' | 'pattern';
  message: string;
}

const BUILT_IN = new Set<string>([...ENTITY_TYPES, 'DATE_OF_BIRTH']);

/** Every problem with `list` (empty: it can be saved and used). */
export function customEntityProblems(list: readonly CustomEntityType[]): CustomEntityProblem[] {
  const out: CustomEntityProblem[] = [];
  const seen = new Set<string>();
  list.forEach((e, index) => {
    const key = e.name.trim().toUpperCase();
    if (!/^[A-Za-z][A-Za-z0-9_ -]*$/.test(e.name))
      out.push({
        index,
        field: 'name',
        message: 'a name starts with a letter, then letters, digits, _, - or spaces',
      });
    else if (BUILT_IN.has(key))
      out.push({ index, field: 'name', message: `${key} is a built-in entity type` });
    else if (seen.has(key)) out.push({ index, field: 'name', message: `${e.name} is named twice` });
    seen.add(key);
    const problem = patternProblem(e.pattern);
    if (problem)
      out.push({ index, field: 'pattern', message: `not a regular expression: ${problem}` });
  });
  return out;
}

/** A value holds the entity (the pattern anywhere in it). */
export function customMatcher(e: CustomEntityType): (value: string) => boolean {
  const re = new RegExp(e.pattern);
  return (v) => re.test(v);
}

/** The context words allow column `column`. */
export function inContext(e: CustomEntityType, column: string): boolean {
  const words = (e.contextWords ?? []).filter((w) => w.trim() !== '');
  const name = column.toLowerCase();
  return words.length === 0 || words.some((w) => name.includes(w.trim().toLowerCase()));
}

const SETTINGS_KEY = 'quality.customEntityTypes';

/** The saved entity types ([] when none). */
export async function loadCustomEntities(db: CatalogDb): Promise<CustomEntityType[]> {
  const r = await db.get('settings', SETTINGS_KEY);
  return Array.isArray(r?.value) ? (r.value as CustomEntityType[]) : [];
}

/** Saves `list`; throws a `quality:` DecantError naming the first problem. */
export async function saveCustomEntities(
  db: CatalogDb,
  list: readonly CustomEntityType[],
): Promise<void> {
  const [p] = customEntityProblems(list);
  if (p)
    throw new DecantError(
      `quality: entity type ${p.index + 1} (${list[p.index]!.name || 'no name'}): ${p.field} ${p.message}`,
      { domain: 'quality' },
    );
  await db.put('settings', { key: SETTINGS_KEY, value: list.map((e) => ({ ...e })) });
}

const BIRTH_COLUMN = /dob|birth|born/i;
const NAME_COLUMN = /name/i;

/** A date a person alive could be born on: 1900-01-01 up to `today`, in ISO, US or European writing. */
export function plausibleBirthDate(value: string, today = new Date()): boolean {
  const v = value.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$/.exec(v);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(v))) {
    const [a, b] = [Number(match[1]), Number(match[2])];
    // 03/04/1990 reads either way; a first part over 12 is a day.
    [d, m] = a > 12 ? [a, b] : [b, a];
    y = Number(match[3]);
  } else return false;
  if (m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCDate() !== d || date.getUTCMonth() !== m - 1) return false;
  return y >= 1900 && date.getTime() <= today.getTime();
}

/** The column names a table's dates of birth are looked for in: birth-like names, beside a name column. */
export function birthColumns(columns: readonly string[]): Set<string> {
  const people = columns.some((c) => NAME_COLUMN.test(c) && !BIRTH_COLUMN.test(c));
  return new Set(people ? columns.filter((c) => BIRTH_COLUMN.test(c)) : []);
}
