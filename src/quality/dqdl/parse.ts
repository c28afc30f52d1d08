/**
 * DQDL's parser: `Rules = [ rule, … ]` into a Ruleset. Every error is a DqdlSyntaxError naming
 * the line and column of the token at fault, with a message that says what was expected there.
 * Over 400 lines because it is one recursive-descent grammar: its rule, condition and composite
 * productions call one another, and splitting them would scatter the precedence they encode.
 */
import type {
  Comparator,
  CompositeRule,
  Condition,
  Duration,
  Operand,
  Rule,
  RuleType,
  Ruleset,
  SimpleRule,
  Span,
} from './ast';
import { RULE_TYPES } from './ast';
import { tokenize, type Token } from './lexer';
import { RULE_SIGNATURES, type ConditionValue } from './rule-signatures';
import { dqdlSyntaxError } from './syntax-error';

const UNITS: Record<string, Duration['unit']> = {
  minute: 'minutes',
  minutes: 'minutes',
  hour: 'hours',
  hours: 'hours',
  day: 'days',
  days: 'days',
};

/** Parses a whole ruleset; throws DqdlSyntaxError (`quality: line l, column c: …`). */
export function parseDqdl(source: string): Ruleset {
  return new Parser(source).ruleset();
}

class Parser {
  private tokens: Token[];
  private i = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  private get peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'end') this.i++;
    return t;
  }

  private fail(t: Token, reason: string): never {
    throw dqdlSyntaxError(this.source, t.start, reason);
  }

  private describe(t: Token): string {
    if (t.kind === 'end') return 'the end of the ruleset';
    if (t.kind === 'string') return `"${t.text}"`;
    return `"${t.text}"`;
  }

  private atEnd(): boolean {
    return this.peek.kind === 'end';
  }

  private is(text: string, kind?: Token['kind']): boolean {
    return (
      this.peek.text === text && (kind ? this.peek.kind === kind : this.peek.kind !== 'string')
    );
  }

  private expect(text: string, what = `"${text}"`): Token {
    if (!this.is(text)) this.fail(this.peek, `expected ${what}, found ${this.describe(this.peek)}`);
    return this.next();
  }

  ruleset(): Ruleset {
    if (this.atEnd()) this.fail(this.peek, 'empty ruleset: write Rules = [ … ]');
    if (!this.is('Rules'))
      this.fail(this.peek, `a ruleset starts with "Rules = [", found ${this.describe(this.peek)}`);
    this.next();
    this.expect('=');
    this.expect('[');
    const rules: Rule[] = [];
    while (!this.is(']')) {
      if (this.atEnd()) this.fail(this.peek, 'the Rules list has no closing "]"');
      rules.push(this.rule());
      if (this.is(',')) {
        this.next();
        continue;
      }
      if (!this.is(']'))
        this.fail(
          this.peek,
          `expected "," between rules or "]" at the end, found ${this.describe(this.peek)}`,
        );
    }
    this.next();
    if (!this.atEnd())
      this.fail(this.peek, `nothing may follow the Rules list, found ${this.describe(this.peek)}`);
    return { rules };
  }

  /** A rule or a composite of parenthesized rules joined by one operator. */
  private rule(): Rule {
    const start = this.peek;
    const first = this.operand();
    if (!this.is('and') && !this.is('or')) return first.rule;
    const op = this.peek.text as 'and' | 'or';
    if (!first.parenthesized)
      this.fail(
        start,
        `each rule joined by "${op}" must be in parentheses: (${first.rule.text}) ${op} (…)`,
      );
    const rules = [first.rule];
    while (this.is('and') || this.is('or')) {
      const t = this.next();
      if (t.text !== op)
        this.fail(t, `"and" and "or" at one level are ambiguous: add parentheses around one side`);
      const at = this.peek;
      const r = this.operand();
      if (!r.parenthesized)
        this.fail(at, `each rule joined by "${op}" must be in parentheses: (${r.rule.text})`);
      rules.push(r.rule);
    }
    const span = { start: start.start, end: this.tokens[this.i - 1]!.end };
    const composite: CompositeRule = { kind: op, rules, span, text: this.textOf(span) };
    return composite;
  }

  private operand(): { rule: Rule; parenthesized: boolean } {
    if (this.is('(')) {
      const open = this.next();
      const rule = this.rule();
      if (!this.is(')'))
        this.fail(
          this.peek,
          `expected ")" to close the "(" at ${this.where(open)}, found ${this.describe(this.peek)}`,
        );
      this.next();
      return { rule, parenthesized: true };
    }
    return { rule: this.simpleRule(), parenthesized: false };
  }

  private where(t: Token): string {
    const before = this.source.slice(0, t.start);
    return `line ${before.split('\n').length}, column ${t.start - (before.lastIndexOf('\n') + 1) + 1}`;
  }

  private textOf(span: Span): string {
    return this.source.slice(span.start, span.end);
  }

  private simpleRule(): SimpleRule {
    const t = this.next();
    if (t.kind !== 'word')
      this.fail(t, `expected a rule type (e.g. IsComplete), found ${this.describe(t)}`);
    const type = RULE_TYPES.find((r) => r === t.text);
    if (!type) {
      const near = nearestRuleType(t.text);
      this.fail(t, `unknown rule type "${t.text}"${near ? `: did you mean ${near}?` : ''}`);
    }
    const sig = RULE_SIGNATURES[type];
    const params: string[] = [];
    while (this.peek.kind === 'string') {
      const p = this.next();
      if (params.length >= sig.max)
        this.fail(p, `${type} takes ${countText(sig.max)}: ${sig.usage}`);
      params.push(p.text);
    }
    if (params.length < sig.min)
      this.fail(this.peek, `${type} needs ${countText(sig.min)} in double quotes: ${sig.usage}`);
    let condition: Condition | undefined;
    if (sig.compares !== 'none' && !this.atClauseOrEnd())
      condition = this.condition(type, sig.compares);
    else if (sig.compares !== 'none' && !sig.conditionOptional)
      this.fail(this.peek, `${type} needs a condition here, e.g. ${sig.usage}`);
    let where: SimpleRule['where'];
    let threshold: Condition | undefined;
    for (;;) {
      if (this.is('where') && !where) {
        this.next();
        const s = this.next();
        if (s.kind !== 'string')
          this.fail(
            s,
            'expected the filter in double quotes after "where", e.g. where "country = \'US\'"',
          );
        if (!s.text.trim()) this.fail(s, 'the where filter is empty');
        where = { sql: s.text, span: { start: s.start, end: s.end } };
        continue;
      }
      if (this.is('with') && !threshold) {
        const w = this.next();
        this.expect('threshold', '"threshold" after "with"');
        if (!sig.rowLevel)
          this.fail(w, `${type} is not measured row by row, so it takes no threshold`);
        threshold = this.condition(type, 'number');
        continue;
      }
      break;
    }
    if (!this.atRuleEnd())
      this.fail(
        this.peek,
        `unexpected ${this.describe(this.peek)} after the rule; rules are separated by ","`,
      );
    const span = { start: t.start, end: this.tokens[this.i - 1]!.end };
    return {
      kind: 'rule',
      type,
      params,
      condition,
      where,
      threshold,
      span,
      text: this.textOf(span),
    };
  }

  private atClauseOrEnd(): boolean {
    return this.is('where') || this.is('with') || this.atRuleEnd();
  }

  private atRuleEnd(): boolean {
    return (
      this.is(',') ||
      this.is(']') ||
      this.is(')') ||
      this.is('and') ||
      this.is('or') ||
      this.atEnd()
    );
  }

  private condition(type: RuleType, compares: ConditionValue): Condition {
    const start = this.peek;
    let negated = false;
    if (this.is('not')) {
      this.next();
      negated = true;
      if (!this.is('between') && !this.is('in') && !this.is('matches'))
        this.fail(
          this.peek,
          `expected "between", "in" or "matches" after "not", found ${this.describe(this.peek)}`,
        );
    }
    const t = this.next();
    const span = (): Span => ({ start: start.start, end: this.tokens[this.i - 1]!.end });
    if (t.kind === 'op') {
      const value = this.value(type, compares);
      if (compares === 'type-name' && t.text !== '=' && t.text !== '!=')
        this.fail(t, `${type} compares a type name with "=" or "in"`);
      return { kind: 'compare', op: t.text as Comparator, value, span: span() };
    }
    if (t.text === 'between' && t.kind === 'word') {
      const low = this.value(type, compares);
      this.expect('and', '"and" between the two bounds');
      const high = this.value(type, compares);
      return { kind: 'between', negated, low, high, span: span() };
    }
    if (t.text === 'in' && t.kind === 'word') {
      this.expect('[', '"[" to open the list of values');
      const values: Operand[] = [];
      while (!this.is(']')) {
        values.push(this.value(type, compares));
        if (this.is(',')) this.next();
        else if (!this.is(']'))
          this.fail(
            this.peek,
            `expected "," or "]" in the list, found ${this.describe(this.peek)}`,
          );
      }
      this.next();
      if (values.length === 0) this.fail(t, 'the "in" list is empty');
      return { kind: 'in', negated, values, span: span() };
    }
    if (t.text === 'matches' && t.kind === 'word') {
      if (compares !== 'value')
        this.fail(t, `${type} does not take "matches"; only ColumnValues does`);
      const p = this.next();
      if (p.kind !== 'string')
        this.fail(p, 'expected a regular expression in double quotes after "matches"');
      try {
        new RegExp(p.text);
      } catch (e) {
        this.fail(p, `not a valid regular expression: ${(e as Error).message}`);
      }
      return { kind: 'matches', negated, pattern: p.text, span: span() };
    }
    this.fail(
      t,
      `expected a condition (=, !=, >, >=, <, <=, between, in, matches), found ${this.describe(t)}`,
    );
  }

  /** One value of a condition: a number, "string", NULL/EMPTY/WHITESPACES_ONLY, now(), 24 hours. */
  private value(type: RuleType, compares: ConditionValue): Operand {
    const t = this.peek;
    const span = (from: Token) => ({ start: from.start, end: this.tokens[this.i - 1]!.end });
    if (this.is('(') || this.is('now')) return this.nowValue(type, compares);
    if (
      t.kind === 'word' &&
      (t.text === 'NULL' || t.text === 'EMPTY' || t.text === 'WHITESPACES_ONLY')
    ) {
      if (compares !== 'value') this.fail(t, `${t.text} is a value of ColumnValues only`);
      this.next();
      return { kind: 'keyword', value: t.text, span: span(t) };
    }
    if (t.kind === 'word' && /^(last|avg|min|max|std|index)$/.test(t.text))
      this.fail(
        t,
        `dynamic rules (${t.text}(…)) need earlier runs of Glue ETL: compare with a value`,
      );
    if (t.kind === 'string') {
      this.next();
      if (compares === 'number' || compares === 'duration')
        this.fail(
          t,
          `${type} compares a ${compares === 'number' ? 'number' : 'length of time (24 hours)'}, not a string`,
        );
      return { kind: 'string', value: t.text, span: span(t) };
    }
    let sign = 1;
    if (this.is('-')) {
      this.next();
      sign = -1;
    }
    const n = this.next();
    if (n.kind !== 'number')
      this.fail(
        n,
        `expected a ${compares === 'duration' ? 'length of time (e.g. 24 hours)' : compares === 'type-name' ? 'type name in double quotes ("INTEGER")' : 'value'}, found ${this.describe(n)}`,
      );
    const amount = sign * Number(n.text);
    const unit = this.peek.kind === 'word' ? UNITS[this.peek.text] : undefined;
    if (unit) {
      this.next();
      if (compares !== 'duration') this.fail(n, `${type} compares a number, not a length of time`);
      return { kind: 'duration', duration: { amount, unit }, span: span(t) };
    }
    if (compares === 'duration')
      this.fail(this.peek, `expected a unit after ${n.text} (minutes, hours or days)`);
    if (compares === 'type-name')
      this.fail(n, `${type} compares a type name in double quotes ("INTEGER")`);
    return { kind: 'number', value: amount, span: span(t) };
  }

  /** `now()`, `now() - 3 days`, `(now() + 4 hours)`. */
  private nowValue(type: RuleType, compares: ConditionValue): Operand {
    const start = this.peek;
    const paren = this.is('(');
    if (paren) this.next();
    const now = this.expect('now', '"now()"');
    this.expect('(', '"(" after now');
    this.expect(')', '")" after now(');
    if (compares !== 'value')
      this.fail(now, `${type} does not compare dates; now() is for ColumnValues`);
    const offsets: { sign: 1 | -1; duration: Duration }[] = [];
    while (this.is('+') || this.is('-')) {
      const sign = this.next().text === '+' ? 1 : -1;
      const n = this.next();
      if (n.kind !== 'number')
        this.fail(n, `expected a number of days or hours after "${sign > 0 ? '+' : '-'}"`);
      const u = this.next();
      const unit = UNITS[u.text];
      if (!unit) this.fail(u, `expected minutes, hours or days after ${n.text}`);
      offsets.push({ sign, duration: { amount: Number(n.text), unit } });
    }
    if (paren) this.expect(')', '")" to close "(now()…"');
    return {
      kind: 'now',
      offsets,
      span: { start: start.start, end: this.tokens[this.i - 1]!.end },
    };
  }
}

function countText(n: number): string {
  return n === Infinity ? 'any number of columns' : n === 1 ? 'one parameter' : `${n} parameters`;
}

/** The rule type a typo most likely meant (case-insensitive, at most 3 edits), if any. */
export function nearestRuleType(word: string): RuleType | undefined {
  let best: RuleType | undefined;
  let bestDistance = 4;
  for (const t of RULE_TYPES) {
    const d = editDistance(word.toLowerCase(), t.toLowerCase());
    if (d < bestDistance) {
      best = t;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(
        prev[j]! + 1,
        cur[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = cur;
  }
  return prev[b.length]!;
}
