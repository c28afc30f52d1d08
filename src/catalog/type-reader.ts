/**
 * Type strings as trees, for the two dialects the catalog translates between: DuckDB's
 * (`STRUCT(a BIGINT)[]`) and Glue's, i.e. Hive's (`array<struct<a:bigint>>`).
 */
import { DecantError } from '../core/errors';

export type TypeNode =
  | { kind: 'named'; name: string; args: string[] }
  | { kind: 'list'; element: TypeNode }
  | { kind: 'struct'; fields: { name: string; type: TypeNode }[] }
  | { kind: 'map'; key: TypeNode; value: TypeNode };

/**
 * A recursive-descent reader for both dialects. DuckDB: `NAME(args)`, `T[]`, `T[3]`,
 * `STRUCT(name T, …)`, `MAP(K, V)`, `LIST(T)`, names quoted "like ""this""". Glue: `name(args)`,
 * `array<T>`, `struct<name:T,…>`, `map<K,V>`, names quoted `like ``this```.
 */
export class TypeReader {
  #pos = 0;
  constructor(
    private readonly text: string,
    private readonly dialect: 'duckdb' | 'glue',
  ) {}

  read(): TypeNode {
    const node = this.#type();
    this.#skipSpace();
    if (this.#pos < this.text.length) this.#fail('unexpected text');
    return node;
  }

  #type(): TypeNode {
    const name = this.#words();
    const lower = name.toLowerCase();
    let node: TypeNode;
    if (this.dialect === 'glue') {
      if (lower === 'array')
        node = { kind: 'list', element: this.#inside('<', '>', () => this.#type()) };
      else if (lower === 'map') node = this.#map('<', '>');
      else if (lower === 'struct') node = this.#struct('<', '>', ':');
      else if (this.#peek() === '<') {
        // A parameterised type we do not translate (uniontype<…>): read past it, let the
        // caller name it.
        this.#skipAngles();
        node = { kind: 'named', name: lower, args: [] };
      } else node = { kind: 'named', name: lower, args: this.#args() };
      return node;
    }
    if (lower === 'struct') node = this.#struct('(', ')', '');
    else if (lower === 'map') node = this.#map('(', ')');
    else if (lower === 'list')
      node = { kind: 'list', element: this.#inside('(', ')', () => this.#type()) };
    else node = { kind: 'named', name: name.toUpperCase(), args: this.#args() };
    // `T[]` and `T[3]` (a fixed-size ARRAY, which Glue can only call an array).
    while (this.#peek() === '[') {
      this.#pos++;
      while (/\d|\s/.test(this.#peek())) this.#pos++;
      this.#expect(']');
      node = { kind: 'list', element: node };
    }
    return node;
  }

  #map(open: string, close: string): TypeNode {
    return this.#inside(open, close, () => {
      const key = this.#type();
      this.#expect(',');
      return { kind: 'map', key, value: this.#type() };
    });
  }

  #struct(open: string, close: string, separator: string): TypeNode {
    return this.#inside(open, close, () => {
      const fields: { name: string; type: TypeNode }[] = [];
      do {
        const name = this.#fieldName();
        if (separator) this.#expect(separator);
        fields.push({ name, type: this.#type() });
      } while (this.#accept(','));
      return { kind: 'struct', fields };
    });
  }

  /** `(10,2)` → ['10', '2']; ENUM's `('a', 'b')` keeps its quoted strings. */
  #args(): string[] {
    if (this.#peek() !== '(') return [];
    return this.#inside('(', ')', () => {
      const args: string[] = [];
      do {
        this.#skipSpace();
        const m = /^('(?:[^']|'')*'|[^,)]+)/.exec(this.text.slice(this.#pos));
        if (!m) this.#fail('expected a type argument');
        this.#pos += m[0].length;
        args.push(m[0].trim());
      } while (this.#accept(','));
      return args;
    });
  }

  #fieldName(): string {
    this.#skipSpace();
    const q = this.dialect === 'glue' ? '`' : '"';
    if (this.#peek() === q) {
      const m = new RegExp(`^${q}((?:[^${q}]|${q}${q})*)${q}`).exec(this.text.slice(this.#pos));
      if (!m) this.#fail('unterminated quoted name');
      this.#pos += m[0].length;
      return m[1]!.replaceAll(q + q, q);
    }
    // Glue crawlers write names like `my-field` unquoted: read up to the ':'.
    const pattern = this.dialect === 'glue' ? /^[^:<>,`]+/ : /^[^\s"(),[\]]+/;
    const m = pattern.exec(this.text.slice(this.#pos));
    if (!m) this.#fail('expected a field name');
    this.#pos += m[0].length;
    return m[0].trim();
  }

  /** One or more words: `TIMESTAMP WITH TIME ZONE` is one DuckDB type name. */
  #words(): string {
    const words: string[] = [];
    for (;;) {
      this.#skipSpace();
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.#pos));
      if (!m) break;
      words.push(m[0]);
      this.#pos += m[0].length;
    }
    if (words.length === 0) this.#fail('expected a type name');
    return words.join(' ');
  }

  #skipAngles(): void {
    let depth = 0;
    do {
      const ch = this.text[this.#pos++];
      if (ch === undefined) this.#fail('expected ">"');
      if (ch === '<') depth++;
      if (ch === '>') depth--;
    } while (depth > 0);
  }

  #inside<T>(open: string, close: string, body: () => T): T {
    this.#expect(open);
    const result = body();
    this.#expect(close);
    return result;
  }

  #peek(): string {
    this.#skipSpace();
    return this.text[this.#pos] ?? '';
  }

  #accept(ch: string): boolean {
    if (this.#peek() !== ch) return false;
    this.#pos++;
    return true;
  }

  #expect(ch: string): void {
    if (!this.#accept(ch)) this.#fail(`expected "${ch}"`);
  }

  #skipSpace(): void {
    while (/\s/.test(this.text[this.#pos] ?? '')) this.#pos++;
  }

  #fail(what: string): never {
    throw new DecantError(
      `catalog: type ${JSON.stringify(this.text)}: ${what} at character ${this.#pos + 1}`,
    );
  }
}
