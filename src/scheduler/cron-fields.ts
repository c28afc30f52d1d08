/**
 * Reads the fields of an AWS (`cron(m h dom mon dow year)`) or standard five-field cron expression,
 * checks each against its syntax's rules, and writes the croner pattern that means the same
 * (croner does the calendar arithmetic). Errors name the field and the character where the
 * problem starts, counted from 1 in the text as typed.
 */
import { DecantError } from '../core/errors';

export type CronSyntax = 'aws' | 'standard';

export type CronFieldName =
  | 'minutes'
  | 'hours'
  | 'day-of-month'
  | 'month'
  | 'day-of-week'
  | 'year'
  | 'expression'
  | 'time zone';

/** A cron expression or time zone that cannot be used, with where. */
export class ScheduleError extends DecantError {
  override name = 'ScheduleError';
  constructor(
    message: string,
    /** The field at fault, or `expression` for the whole text. */
    readonly field: CronFieldName,
    /** 1-based character in the expression as typed where the problem starts (0: the whole). */
    readonly position: number,
    /** Characters the problem spans, for underlining. */
    readonly length: number,
  ) {
    super(`schedule: ${message}`);
  }
}

/** The croner translation of a checked expression. */
export interface CronerPattern {
  syntax: CronSyntax;
  /** Seven croner fields: second minute hour day-of-month month day-of-week year. */
  pattern: string;
  /** croner's `domAndDow`: true when one of the two day fields is a wildcard. */
  domAndDow: boolean;
}

interface FieldRule {
  name: Exclude<CronFieldName, 'expression' | 'time zone'>;
  min: number;
  max: number;
  names?: readonly string[];
  /** Value of names[0]. */
  namesFrom?: number;
  slash: boolean;
  question: boolean;
  last: boolean;
  weekday: boolean;
  hash: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const base = { slash: true, question: false, last: false, weekday: false, hash: false };
const minutes: FieldRule = { ...base, name: 'minutes', min: 0, max: 59 };
const hours: FieldRule = { ...base, name: 'hours', min: 0, max: 23 };
const month: FieldRule = { ...base, name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 };
const dayOfMonth: FieldRule = {
  ...base,
  name: 'day-of-month',
  min: 1,
  max: 31,
  question: true,
  last: true,
  weekday: true,
};

/** AWS (EventBridge) cron: day-of-week 1–7 = SUN–SAT, no `/` there, year 1970–2199. */
const AWS_FIELDS: readonly FieldRule[] = [
  minutes,
  hours,
  dayOfMonth,
  month,
  {
    ...base,
    name: 'day-of-week',
    min: 1,
    max: 7,
    names: DAYS,
    namesFrom: 1,
    slash: false,
    question: true,
    last: true,
    hash: true,
  },
  { ...base, name: 'year', min: 1970, max: 2199 },
];

/** Vixie cron: day-of-week 0–7 (0 and 7 are Sunday); croner's `?`, `L`, `W`, `#` accepted too. */
const STANDARD_FIELDS: readonly FieldRule[] = [
  minutes,
  hours,
  dayOfMonth,
  month,
  {
    ...base,
    name: 'day-of-week',
    min: 0,
    max: 7,
    names: DAYS,
    namesFrom: 0,
    question: true,
    last: true,
    hash: true,
  },
];

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface Token {
  text: string;
  /** 1-based character of its start in the expression as typed. */
  at: number;
}

/** Checks `expression` and translates it for croner; throws ScheduleError. */
export function cronerPatternFrom(expression: string): CronerPattern {
  const trimmed = expression.trim();
  if (trimmed === '') throw new ScheduleError('the expression is empty', 'expression', 0, 0);
  const lead = expression.length - expression.trimStart().length;
  const aws = /^cron\s*\((.*)\)$/is.exec(trimmed);
  if (aws) {
    const inner = aws[1]!;
    const innerAt = lead + trimmed.indexOf('(') + 2;
    return translate(tokens(inner, innerAt), AWS_FIELDS, 'aws', expression);
  }
  if (/^(cron|rate)\s*\(/i.test(trimmed)) {
    const what = /^rate/i.test(trimmed)
      ? 'rate(...) expressions are not supported; write a cron expression'
      : 'cron( is not closed by )';
    throw new ScheduleError(what, 'expression', lead + 1, trimmed.length);
  }
  const nickname = NICKNAMES[trimmed.toLowerCase()];
  if (nickname) return translate(tokens(nickname, 0), STANDARD_FIELDS, 'standard', expression);
  if (trimmed.startsWith('@')) {
    throw new ScheduleError(
      `unknown nickname ${trimmed}; use one of ${Object.keys(NICKNAMES).join(', ')}`,
      'expression',
      lead + 1,
      trimmed.length,
    );
  }
  const parts = tokens(expression, 1);
  // Six bare fields can only be AWS's (this app has no seconds field).
  return translate(
    parts,
    parts.length === 6 ? AWS_FIELDS : STANDARD_FIELDS,
    'standard',
    expression,
  );
}

function tokens(text: string, at: number): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/\S+/g)) out.push({ text: m[0], at: at + m.index });
  return out;
}

function translate(
  parts: Token[],
  rules: readonly FieldRule[],
  syntax: CronSyntax,
  expression: string,
): CronerPattern {
  const isAws = rules === AWS_FIELDS;
  if (parts.length !== rules.length) {
    const wanted = rules.map((r) => r.name).join(' ');
    const how = isAws
      ? syntax === 'aws'
        ? 'AWS cron(...) needs'
        : 'six fields are read as AWS cron and need'
      : 'a standard cron expression needs';
    throw new ScheduleError(
      `${how} ${rules.length} fields (${wanted}), found ${parts.length}`,
      'expression',
      0,
      expression.length,
    );
  }
  const out = parts.map((token, i) => field(token, rules[i]!, isAws));
  const dom = parts[2]!;
  const dow = parts[4]!;
  const wild = (t: Token) => t.text.startsWith('*') || t.text === '?';
  if (isAws) {
    if ((dom.text === '?') === (dow.text === '?')) {
      throw new ScheduleError(
        dom.text === '?'
          ? 'day-of-month and day-of-week are both ?; give one of them a value or *'
          : 'day-of-month and day-of-week: one of them must be ? (e.g. cron(0 12 * * ? *) or cron(0 12 ? * MON *))',
        'day-of-week',
        dow.at,
        dow.text.length,
      );
    }
  }
  const year = isAws ? out[5]! : '*';
  return {
    syntax: isAws ? 'aws' : 'standard',
    pattern: ['0', out[0], out[1], out[2], out[3], out[4], year].join(' '),
    // AWS: the other day field is `?`, so AND is the same as "only this one". Vixie: OR when both
    // are restricted, else the restricted one alone.
    domAndDow: isAws || wild(dom) || wild(dow),
  };
}

/** One field: `*`, `?`, lists of values, ranges and steps, `L`, `W`, `#`, as its rule allows. */
function field(token: Token, rule: FieldRule, aws: boolean): string {
  const { text, at } = token;
  const fail = (message: string, offset = 0, length = text.length - offset): never => {
    throw new ScheduleError(`${rule.name}: ${message}`, rule.name, at + offset, length);
  };
  if (text === '?') {
    if (!rule.question) fail('? is only allowed in day-of-month and day-of-week');
    return '*';
  }
  const items = text.split(',');
  const special = /[LW#]/i;
  if (items.length > 1 && special.test(text)) {
    const i = text.search(special);
    fail(`${text[i]!.toUpperCase()} cannot be combined with a list`, i, 1);
  }
  let offset = 0;
  const out: string[] = [];
  for (const item of items) {
    if (item === '') fail('an empty list item', offset, 1);
    out.push(
      listItem(item, rule, aws, (message, from = 0, length = item.length - from) =>
        fail(message, offset + from, length),
      ),
    );
    offset += item.length + 1;
  }
  return out.join(',');
}

type Fail = (message: string, from?: number, length?: number) => never;

function listItem(item: string, rule: FieldRule, aws: boolean, fail: Fail): string {
  const upper = item.toUpperCase();
  if (upper === '?') fail('? must stand alone');
  // Day-of-month: L (last day), LW (last weekday), nW (weekday nearest the nth).
  if (rule.name === 'day-of-month' && /[LW]/.test(upper)) {
    if (upper === 'L' || upper === 'LW') return upper;
    const w = /^(\d+)W$/.exec(upper);
    if (w) return `${value(w[1]!, rule, fail, 0)}W`;
    if (/^L-\d+$/.test(upper)) fail('L-n (days before the last) is not supported');
    fail(`${item} is not a day-of-month (use a number 1–31, L, LW or nW)`);
  }
  // Day-of-week: L (AWS: Saturday, the last day of the week), nL (last nth day), n#k (kth nth day).
  if (rule.name === 'day-of-week' && /[L#]/.test(upper)) {
    if (upper === 'L')
      return aws
        ? '6'
        : fail('L alone is AWS syntax; write 6 for Saturday or 5L for the last Friday');
    const last = /^([A-Z]+|\d+)L$/.exec(upper);
    if (last) return `${dayForCroner(value(last[1]!, rule, fail, 0), aws)}#L`;
    const hash = /^([A-Z]+|\d+)#(\d+)$/.exec(upper);
    if (hash) {
      const nth = Number(hash[2]);
      if (nth < 1 || nth > 5) fail(`#${hash[2]} is out of range #1–#5`, hash[1]!.length);
      return `${dayForCroner(value(hash[1]!, rule, fail, 0), aws)}#${nth}`;
    }
    fail(`${item} is not a day-of-week (use ${rangeText(rule)} or SUN–SAT, nL or n#k)`);
  }
  if (/[LW#]/.test(upper)) {
    const i = upper.search(/[LW#]/);
    fail(`${upper[i]} is not allowed in ${rule.name}`, i, 1);
  }
  const slash = upper.indexOf('/');
  let stepText: string | undefined;
  let range = upper;
  if (slash >= 0) {
    if (!rule.slash) fail('/ is not allowed here (AWS day-of-week takes , - * ? L #)', slash, 1);
    stepText = upper.slice(slash + 1);
    range = upper.slice(0, slash);
  }
  // Standard day-of-week 0–7 has Sunday twice: `*/2` and `1/2` stop at Saturday, as in Vixie cron.
  const max = rule.name === 'day-of-week' && !aws ? 6 : rule.max;
  let lo: number;
  let hi: number;
  if (range === '*') {
    [lo, hi] = [rule.min, max];
  } else {
    const dash = range.indexOf('-', 1);
    lo = value(dash < 0 ? range : range.slice(0, dash), rule, fail, 0);
    hi =
      dash >= 0
        ? value(range.slice(dash + 1), rule, fail, dash + 1)
        : stepText === undefined
          ? lo
          : Math.max(lo, max);
    if (dash >= 0 && hi < lo) {
      fail(
        `the range ${range} goes backwards; write it as two ranges, e.g. ${lo}-${rule.max},${rule.min}-${hi}`,
      );
    }
  }
  if (range === '*' && stepText === undefined) return '*';
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText)) fail(`the step "${stepText}" is not a whole number`, slash + 1);
    step = Number(stepText);
    if (step < 1) fail('the step must be at least 1', slash + 1);
    if (step > rule.max - rule.min + 1) {
      fail(`the step ${step} is larger than the field's range ${rangeText(rule)}`, slash + 1);
    }
  }
  if (rule.name === 'day-of-week') [lo, hi] = [dayForCroner(lo, aws), dayForCroner(hi, aws)];
  if (stepText === undefined) return lo === hi ? `${lo}` : `${lo}-${hi}`;
  return `${lo}-${hi}/${step}`;
}

/** A number or a name of `rule`'s field, checked against its range. */
function value(text: string, rule: FieldRule, fail: Fail, from: number): number {
  let n: number;
  if (/^\d+$/.test(text)) n = Number(text);
  else {
    const index = rule.names?.indexOf(text.toUpperCase()) ?? -1;
    if (index < 0) {
      const hint = rule.names
        ? ` (use ${rangeText(rule)} or ${rule.names[0]}–${rule.names.at(-1)})`
        : '';
      return fail(`"${text}" is not a ${rule.name} value${hint}`, from, text.length);
    }
    n = index + rule.namesFrom!;
  }
  if (n < rule.min || n > rule.max)
    fail(`${text} is out of range ${rangeText(rule)}`, from, text.length);
  return n;
}

function rangeText(rule: FieldRule): string {
  return `${rule.min}–${rule.max}`;
}

/** croner numbers days 0–6 from Sunday (7 is Sunday too); AWS numbers them 1–7 from Sunday. */
function dayForCroner(day: number, aws: boolean): number {
  return aws ? day - 1 : day;
}
