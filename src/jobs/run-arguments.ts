/**
 * A run's arguments as Glue's console takes them: `--name value` pairs, values quoted with `"`
 * or `'` when they hold spaces (`--region "eu west"`), `\` escaping the next character inside
 * double quotes.
 */
import { DecantError } from '../core/errors';
import { PARAMETER_NAME } from './params';

/**
 * `--min_price 4 --region "eu west"` → `{ min_price: '4', region: 'eu west' }`. Throws a `job:`
 * DecantError naming the column (1-based) of what does not fit: a word without `--`, a name
 * that is not one, a name without a value or given twice, an unclosed quote.
 */
export function argumentsFromText(text: string): Record<string, string> {
  const words: { text: string; at: number; quoted: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    const at = i;
    let word = '';
    let quoted = false;
    while (i < text.length && !/\s/.test(text[i]!)) {
      const c = text[i]!;
      if (c === '"' || c === "'") {
        quoted = true;
        const close = c;
        i++;
        for (;;) {
          if (i >= text.length)
            throw argError(`the quote at column ${at + 1} is not closed`, at + 1);
          const d = text[i]!;
          if (d === close) break;
          if (close === '"' && d === '\\' && i + 1 < text.length) {
            word += text[i + 1]!;
            i += 2;
            continue;
          }
          word += d;
          i++;
        }
        i++;
      } else {
        word += c;
        i++;
      }
    }
    words.push({ text: word, at, quoted });
  }
  const args: Record<string, string> = {};
  for (let w = 0; w < words.length; w += 2) {
    const flag = words[w]!;
    if (flag.quoted || !flag.text.startsWith('--'))
      throw argError(
        `expected --name at column ${flag.at + 1}, found ${JSON.stringify(flag.text)}`,
        flag.at + 1,
      );
    const name = flag.text.slice(2);
    if (!PARAMETER_NAME.test(name))
      throw argError(
        `${JSON.stringify(flag.text)} at column ${flag.at + 1} is not a parameter name ` +
          '(letters, digits, _ . -, not starting with a digit)',
        flag.at + 1,
      );
    const value = words[w + 1];
    if (!value) throw argError(`--${name} has no value`, flag.at + 1);
    if (Object.hasOwn(args, name))
      throw argError(`--${name} is given twice (column ${flag.at + 1})`, flag.at + 1);
    args[name] = value.text;
  }
  return args;
}

function argError(message: string, column: number): DecantError {
  return new DecantError(`job: arguments: ${message}`, { column: String(column) });
}

/** The inverse: `--name value` pairs, values quoted when they must be. */
export function argumentsText(args: Readonly<Record<string, string>>): string {
  return Object.entries(args)
    .map(([k, v]) => `--${k} ${v === '' || /[\s"'\\]/.test(v) ? JSON.stringify(v) : v}`)
    .join(' ');
}
