/**
 * Glue's built-in sensitive data classifiers, as pure functions over text: email, phone number,
 * credit card (issuer prefix and Luhn), IBAN (mod 97), US SSN, IPv4 and IPv6. Found anywhere in
 * a value ("write to ann@example.com"), each match with its span. A phone number is only what no
 * stricter entity (card, IBAN, SSN, IP, a date) already claimed.
 */
import { cardIssuerKnown, ibanValid, luhnValid } from './checksums';

export const ENTITY_TYPES = [
  'EMAIL',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN',
  'USA_SSN',
  'IP_ADDRESS',
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export interface EntityMatch {
  type: EntityType;
  start: number;
  end: number;
}

const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])/g;
const CARD = /(?<![\d+-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;
const SSN = /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g;
const IPV4 =
  /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])/g;
const IPV6 = /(?<![0-9A-Fa-f:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Fa-f:])/g;
/** Dates and times: digits with separators that are not phone numbers. */
const DATE =
  /(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?(?!\d)/g;
/** How card numbers are written: one run, groups of four, or Amex's 4-6-5. */
const CARD_GROUPS = /^(?:\d+|\d{4}(?:([ -])\d{4})(?:\1\d{1,4}){1,2}|\d{4}([ -])\d{6}\2\d{5})$/;
/** A phone number: optional +country, optional (area), then 2+ groups; 8 to 15 digits in all. */
const PHONE =
  /(?<![\w+.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,8}(?:[ .-]\d{1,8}){1,5}(?![\w.-])/g;
/** Dots separate a phone number's groups only as 415.555.0132 (else it reads as an address or version). */
const DOTTED_PHONE = /^(?:\+\d{1,3}[ .])?\d{3}\.\d{3}\.\d{4}$/;

function* matches(re: RegExp, text: string): Generator<[string, number, number]> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) yield [m[0], m.index, m.index + m[0].length];
}

/** A full IPv6 address (with at most one `::`, and eight groups unless it has one). */
export function ipv6Valid(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (groups.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}

/** Every entity in `text`, in order of position; overlapping claims go to the stricter kind. */
export function detectEntities(text: string): EntityMatch[] {
  const found: EntityMatch[] = [];
  const claimed: [number, number][] = [];
  const free = (a: number, b: number) => claimed.every(([x, y]) => b <= x || a >= y);
  const add = (type: EntityType | null, a: number, b: number) => {
    if (!free(a, b)) return;
    claimed.push([a, b]);
    if (type) found.push({ type, start: a, end: b });
  };
  for (const [, a, b] of matches(EMAIL, text)) add('EMAIL', a, b);
  // Shaped like an IBAN or a card but failing its check: a mistyped one, never a phone number.
  for (const [m, a, b] of matches(IBAN, text))
    add(ibanValid(m.replaceAll(' ', '')) ? 'IBAN' : null, a, b);
  for (const [m, a, b] of matches(CARD, text)) {
    const digits = m.replace(/[ -]/g, '');
    if (luhnValid(digits) && cardIssuerKnown(digits)) add('CREDIT_CARD', a, b);
    else if (CARD_GROUPS.test(m)) add(null, a, b);
  }
  for (const [, a, b] of matches(SSN, text)) add('USA_SSN', a, b);
  for (const [, a, b] of matches(IPV4, text)) add('IP_ADDRESS', a, b);
  for (const [m, a, b] of matches(IPV6, text)) if (ipv6Valid(m)) add('IP_ADDRESS', a, b);
  for (const [, a, b] of matches(DATE, text)) add(null, a, b);
  for (const [m, a, b] of matches(PHONE, text)) {
    const digits = m.replace(/\D/g, '').length;
    const international = m.startsWith('+');
    if (m.includes('.') && !DOTTED_PHONE.test(m)) continue;
    if (digits >= (international ? 8 : 10) && digits <= 15) add('PHONE_NUMBER', a, b);
  }
  return found.sort((x, y) => x.start - y.start);
}

/** The entity types present in one value. */
export function entityTypesIn(text: string): Set<EntityType> {
  return new Set(detectEntities(text).map((m) => m.type));
}

export interface ColumnFinding {
  column: string;
  /**
   * Each entity type found (a built-in EntityType, DATE_OF_BIRTH or a user's own), with the share
   * of sampled non-NULL values holding it.
   */
  entities: {
    type: string;
    share: number;
    /** Cells holding it (detection by cell). */ count?: number;
  }[];
}

/** An entity type beyond the built-in ones: its name and a test of one value. */
export interface ExtraEntity {
  type: string;
  test(value: string): boolean;
}

/**
 * Detection by column (Glue's "sample rows per column"): an entity type is reported for a column
 * when at least `threshold` (default 0.1) of its sampled non-NULL values hold it.
 */
export function detectColumn(
  column: string,
  values: readonly (string | null)[],
  threshold = 0.1,
  extra: readonly ExtraEntity[] = [],
): ColumnFinding {
  const present = values.filter((v): v is string => v !== null && v !== '');
  const counts = new Map<string, number>();
  for (const v of present) {
    const types: Set<string> = entityTypesIn(v);
    for (const e of extra) if (e.test(v)) types.add(e.type);
    for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const entities = [...counts]
    .map(([type, n]) => ({ type, share: n / Math.max(1, present.length) }))
    .filter((e) => e.share >= threshold)
    .sort((a, b) => b.share - a.share);
  return { column, entities };
}
