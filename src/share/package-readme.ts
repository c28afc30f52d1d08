/**
 * The package's `README.md`: what each table is, its columns, its statistics when they may be
 * shown, and what the share withheld — plain Markdown in which every name and value is escaped,
 * so a column called `| x` or `<script>` stays text in its cell.
 */
import type { ColumnStatistics } from '../catalog';
import { formatBytes, formatCount } from '../core/format';
import { asciiLower } from '../core/sql/table-view';
import type { RecipeSummary } from '../jobs';
import type { PackagedTable } from './datapackage';
import { withheldSentences } from './withheld-words';

/** Statistics for a packaged table, and which rows they were computed over. */
export interface ReadmeStatistics {
  /**
   * `shared`: over the package's own rows (the share's SELECT). `catalog`: the whole table as
   * the catalog holds it — shown only for columns shared as they are, and not at all when a row
   * filter left rows out (they would describe rows the package does not hold).
   */
  of: 'shared' | 'catalog';
  columns: readonly ColumnStatistics[];
}

export interface ReadmeInput {
  title: string;
  description?: string;
  created: Date;
  tables: readonly (PackagedTable & {
    statistics?: ReadmeStatistics;
    /** The recipe's job, sources and steps, said under the table (its path is `recipe`). */
    recipeSummary?: RecipeSummary;
    /** A job made the table, and the sender chose to leave its recipe out. */
    recipeLeftOut?: boolean;
  })[];
  /** Other files of the package, e.g. `glue/shop.sales.json`, each with what it is. */
  extras?: readonly { path: string; what: string }[];
}

/** The README text (Markdown, LF line ends, ends with a newline). */
export function packageReadme(input: ReadmeInput): string {
  const lines: string[] = [`# ${escapeMarkdown(input.title)}`, ''];
  if (input.description) lines.push(escapeMarkdown(input.description), '');
  const n = input.tables.length;
  lines.push(
    `A data package of ${n} ${n === 1 ? 'table' : 'tables'}, made with Decant on ` +
      `${input.created.toISOString().slice(0, 10)}. \`datapackage.json\` describes it in the ` +
      'Frictionless Data Package standard (files, sizes, SHA-256 hashes, schemas); the data ' +
      'is Parquet.',
    '',
  );
  for (const t of input.tables) lines.push(...tableSection(t));
  if (input.extras?.length) {
    lines.push('## Other files', '');
    for (const e of input.extras)
      lines.push(`- ${escapeMarkdown(e.path)}: ${escapeMarkdown(e.what)}`);
    lines.push('');
  }
  return lines.join('\n').replace(/\n+$/, '\n');
}

/** What made the table: the job, what it reads and its steps; the recipe file to open. */
function recipeLines(path: string, r: RecipeSummary): string[] {
  const out = [
    `Made by the job ${escapeMarkdown(JSON.stringify(r.job))}; its recipe is ` +
      `${escapeMarkdown(path)} (open it in Decant, Jobs → Import recipe, to run it on your own ` +
      'files). It reads:',
    '',
    ...r.sources.map((s) => `- ${escapeMarkdown(s)}`),
    '',
  ];
  if (r.steps.length)
    out.push('and then:', '', ...r.steps.map((s, i) => `${i + 1}. ${escapeMarkdown(s)}`), '');
  return out;
}

function tableSection(t: ReadmeInput['tables'][number]): string[] {
  const rows = t.files.reduce((s, f) => s + f.rows, 0);
  const bytes = t.files.reduce((s, f) => s + f.bytes, 0);
  const out = [`## ${escapeMarkdown(`${t.database}.${t.name}`)}`, ''];
  if (t.description.trim()) out.push(escapeMarkdown(t.description.trim()), '');
  const files =
    t.files.length === 1 ? '1 Parquet file' : `${formatCount(t.files.length)} Parquet files`;
  let where = `${formatCount(rows)} ${rows === 1 ? 'row' : 'rows'} in ${files} (${formatBytes(bytes)})`;
  if (t.partitionKeys.length)
    where += `, in folders by ${t.partitionKeys.map(escapeMarkdown).join(', ')} (\`key=value\`)`;
  out.push(`${where}.`, '');
  if (t.recipe && t.recipeSummary) out.push(...recipeLines(t.recipe, t.recipeSummary));
  else if (t.recipe) out.push(`Made by the job in ${escapeMarkdown(t.recipe)}.`, '');
  else if (t.recipeLeftOut)
    out.push(
      'Made by a job; its recipe (the job, with its filter constants, expressions and SQL) was ' +
        'left out of this package.',
      '',
    );

  out.push('### Columns', '', '| Column | Type | Description |', '| --- | --- | --- |');
  for (const c of t.columns) {
    const notes = [c.comment.trim()];
    if (c.treatment === 'hashed') notes.push('hashed (salted SHA-256)');
    if (c.treatment === 'redacted') notes.push('redacted (always empty)');
    if (c.treatment === 'partial') notes.push('partly redacted (last 4 characters kept)');
    if (c.partitionKey) notes.push('partition key (folder name)');
    out.push(row([c.name, c.type, notes.filter(Boolean).join('; ')]));
  }
  out.push('');

  const stats = shownStatistics(t, t.statistics);
  if (stats.length) {
    out.push(
      '### Statistics',
      '',
      '| Column | Nulls | Distinct (approx.) | Min | Max |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const s of stats)
      out.push(
        row([s.column, formatCount(s.nulls), formatCount(s.distinct), s.min ?? '', s.max ?? '']),
      );
    out.push('');
  }

  const withheld = withheldSentences(t.withheld);
  out.push('### What was withheld', '');
  if (withheld.length) out.push(...withheld.map((w) => `- ${escapeMarkdown(w)}`));
  else out.push('Nothing: every column and row of the table is shared as it is.');
  out.push('');
  return out;
}

/**
 * The statistics a README may show for `t` (see ReadmeStatistics): none for columns not in the
 * package, and catalog statistics only for unchanged columns of an unfiltered table.
 */
export function shownStatistics(
  t: Pick<PackagedTable, 'columns' | 'withheld'>,
  stats: ReadmeStatistics | undefined,
): ColumnStatistics[] {
  if (!stats) return [];
  if (stats.of === 'catalog' && t.withheld.rowFilter) return [];
  return stats.columns.filter((s) => {
    const c = t.columns.find((x) => asciiLower(x.name) === asciiLower(s.column));
    return c !== undefined && (stats.of === 'shared' || c.treatment === 'kept');
  });
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(escapeMarkdown).join(' | ')} |`;
}

/**
 * `text` as literal Markdown inline text, safe in a table cell or at a line's start: HTML's
 * `&<>` as entities, the punctuation that makes emphasis, code, links, strikethrough, math or a
 * cell border backslash-escaped, a leading block marker (`#`, `-`, `1.`, `>`…) escaped, line
 * breaks as spaces. Plain names stay readable: `hr.people` is left as it is.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~$]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+\-=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}
