// A labelled corpus for the sensitive data detectors: real-looking values (alone or inside prose)
// and decoys that look alike, generated from a seed so a failure reproduces.
import type { EntityType } from '../../src/quality/sensitive/detectors';
import { ibanValid, luhnValid } from '../../src/quality/sensitive/checksums';

/** A seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
let r = random(7);
export const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
export const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');

export function luhnDigit(body: string): string {
  for (let d = 0; d < 10; d++) if (luhnValid(body + d)) return String(d);
  throw new Error('unreachable');
}
export function card(valid: boolean): string {
  const [prefix, length] = pick([
    ['4', 16],
    ['51', 16],
    ['2221', 16],
    ['37', 15],
    ['6011', 16],
    ['4', 13],
  ] as const);
  const body = prefix + digits(length - prefix.length - 1);
  const check = luhnDigit(body);
  const last = valid ? check : String((Number(check) + 1 + Math.floor(r() * 8)) % 10);
  const n = body + last;
  const style = Math.floor(r() * 3);
  if (style === 0) return n;
  const sep = style === 1 ? ' ' : '-';
  return n.match(/.{1,4}/g)!.join(sep);
}
export function iban(valid: boolean): string {
  const [country, bbanLength] = pick([
    ['DE', 18],
    ['GB', 18],
    ['FR', 23],
    ['NL', 14],
  ] as const);
  const bban =
    country === 'GB' || country === 'NL'
      ? pick(['NWBK', 'ABNA', 'BARC']) + digits(bbanLength - 4)
      : digits(bbanLength);
  for (let c = 2; c < 99; c++) {
    const candidate = `${country}${String(c).padStart(2, '0')}${bban}`;
    if (ibanValid(candidate) === valid) {
      return r() < 0.5 ? candidate : candidate.match(/.{1,4}/g)!.join(' ');
    }
  }
  throw new Error('unreachable');
}
export function ssn(): string {
  let area = 1 + Math.floor(r() * 898);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, '0')}-${String(1 + Math.floor(r() * 98)).padStart(2, '0')}-${String(1 + Math.floor(r() * 9998)).padStart(4, '0')}`;
}
const octet = () => String(Math.floor(r() * 256));
const hex = () => Math.floor(r() * 65536).toString(16);
const PHONES = [
  () => `(${digits(3).replace(/^0/, '4')}) 555-${digits(4)}`,
  () => `415-555-${digits(4)}`,
  () => `+1 212 555 ${digits(4)}`,
  () => `+44 20 7946 ${digits(4)}`,
  () => `020 7946 ${digits(4)}`,
  () => `+33 1 42 68 ${digits(2)} ${digits(2)}`,
  () => `01 42 68 ${digits(2)} ${digits(2)}`,
  () => `+49 30 ${digits(8)}`,
  () => `+81 3-1234-${digits(4)}`,
  () => `+91 98765 ${digits(5)}`,
  () => `+61 2 9374 ${digits(4)}`,
];
const NAMES = ['ann.lee', 'bo', 'c_d+tag', 'maria.garcia99', 'x.y.z'];
const DOMAINS = ['example.com', 'mail.example.co.uk', 'corp-x.io', 'uni.edu'];

/** Labelled cells: real-looking values (alone or inside prose) and decoys that look alike. */
function cells(): { text: string; truth: EntityType[] }[] {
  const cells: { text: string; truth: EntityType[] }[] = [];
  for (let i = 0; i < 60; i++) {
    const email = `${pick(NAMES)}@${pick(DOMAINS)}`;
    cells.push({ text: email, truth: ['EMAIL'] });
    cells.push({ text: `Please write to ${email}, thanks.`, truth: ['EMAIL'] });
    cells.push({ text: card(true), truth: ['CREDIT_CARD'] });
    cells.push({ text: `paid with card ${card(true)} yesterday`, truth: ['CREDIT_CARD'] });
    cells.push({ text: card(false), truth: [] }); // wrong Luhn digit
    cells.push({ text: pick(PHONES)(), truth: ['PHONE_NUMBER'] });
    cells.push({ text: `call me on ${pick(PHONES)()} after 6`, truth: ['PHONE_NUMBER'] });
    cells.push({ text: iban(true), truth: ['IBAN'] });
    cells.push({ text: iban(false), truth: [] }); // wrong check digits
    cells.push({ text: ssn(), truth: ['USA_SSN'] });
    cells.push({
      text: `${pick(['000', '666', '923'])}-${digits(2).replace(/^0/, '1')}-${digits(4).replace(/^0/, '1')}`,
      truth: [],
    });
    cells.push({ text: [octet(), octet(), octet(), octet()].join('.'), truth: ['IP_ADDRESS'] });
    cells.push({ text: Array.from({ length: 8 }, hex).join(':'), truth: ['IP_ADDRESS'] });
    cells.push({ text: `fe80::${hex()}:${hex()}`, truth: ['IP_ADDRESS'] });
    // Decoys: numbers, dates, times, versions, ids, prices, near-misses.
    cells.push({
      text: `${300 + Math.floor(r() * 600)}.${octet()}.${octet()}.${octet()}`,
      truth: [],
    });
    cells.push({
      text: `v${Math.floor(r() * 9)}.${Math.floor(r() * 20)}.${Math.floor(r() * 50)}`,
      truth: [],
    });
    cells.push({
      text: `2024-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')} 12:${digits(2).replace(/^[6-9]/, '5')}:00`,
      truth: [],
    });
    cells.push({ text: `ORD-${digits(8)}`, truth: [] });
    cells.push({ text: digits(6), truth: [] });
    cells.push({ text: `${digits(3)}.${digits(2)} EUR`, truth: [] });
    cells.push({ text: `${pick(NAMES)} at ${pick(DOMAINS).replace('.', ' dot ')}`, truth: [] });
    cells.push({ text: `@${pick(NAMES)}`, truth: [] });
    cells.push({
      text: `12:${digits(2).replace(/^[6-9]/, '5')}:${digits(2).replace(/^[6-9]/, '5')}`,
      truth: [],
    });
    cells.push({ text: `room 12 34`, truth: [] });
  }
  return cells;
}

/** The corpus of seed `seed`. */
export function corpus(seed: number): { text: string; truth: EntityType[] }[] {
  r = random(seed);
  return cells();
}

/** A generator of seed `seed` for callers' own values (uses the same state as card(), iban()…). */
export function reseed(seed: number): () => number {
  r = random(seed);
  return () => r();
}
