import { sql as sqlOf } from '../core/sql/sql-template';
import { tokenSpans } from '../core/sql/split-statements';
import { quotedName } from '../core/quoted-name';
import type { CompileContext } from './context';
import type { Job } from './model';

/** A parameter's name as `--name` spells it, without the dashes. */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** `${name}`: a parameter reference in a value or an expression. */
const REFERENCE = /\$\{([^}]*)\}/g;

export type ParameterValues = ReadonlyMap<string, string>;

/** The job's parameters with a run's arguments over them. */
export function parameterValues(
  job: Pick<Job, 'parameters'>,
  ctx: CompileContext,
): ParameterValues {
  const values = new Map<string, string>();
  for (const p of job.parameters) values.set(p.name, p.value);
  const args = ctx.arguments ?? {};
  for (const name of Object.keys(args)) values.set(name, args[name]!);
  return values;
}

function valueOf(
  name: string,
  params: ParameterValues,
  issue: (message: string) => void,
): string | undefined {
  const value = params.get(name);
  if (value === undefined)
    issue(`parameter ${quotedName(name)} is not defined (add it as --${name} to the job)`);
  else if (value.includes('\0')) issue(`parameter ${quotedName(name)} contains a NUL character`);
  else return value;
  return undefined;
}

/**
 * A constant with every `${name}` replaced by the parameter's text (the caller quotes the
 * result as one literal). An unknown name is an issue; it is left as written.
 */
export function substituteText(
  text: string,
  params: ParameterValues,
  issue: (message: string) => void,
): string {
  return text.replace(REFERENCE, (whole, name: string) => valueOf(name, params, issue) ?? whole);
}

/**
 * SQL with every `${name}` in its code replaced by the parameter's value as a quoted literal
 * (`'eu-west'`), never spliced raw. A `${name}` inside a string or quoted identifier is an issue:
 * write it bare, it becomes a value.
 */
export function substituteSql(
  sql: string,
  params: ParameterValues,
  issue: (message: string) => void,
): string {
  let out = '';
  let last = 0;
  for (const t of tokenSpans(sql)) {
    if (t.start < last) continue;
    if (t.kind === 'string' || t.kind === 'ident') {
      const m = /\$\{([^}]*)\}/.exec(sql.slice(t.start, t.end));
      if (m)
        issue(`write \${${m[1]}} without quotes around it: it becomes a quoted value by itself`);
      continue;
    }
    if (t.kind !== 'other' || sql[t.start] !== '$' || sql[t.start + 1] !== '{') continue;
    const close = sql.indexOf('}', t.start);
    if (close < 0) continue;
    const name = sql.slice(t.start + 2, close);
    const value = valueOf(name, params, issue);
    out += sql.slice(last, t.start) + sqlOf`${value ?? null}`.text;
    last = close + 1;
  }
  return out + sql.slice(last);
}
