/**
 * One-line explanations of the Glue terms the UI uses, shown by src/ui/glossary/Term.svelte on
 * hover or focus. Plain text (rendered as text, never HTML), one sentence each, in Glue's words
 * where they are clear and in plain words where they are not.
 */
export const GLOSSARY = {
  'Data Catalog':
    'The list of your datasets: databases and tables describing where files are and what columns they hold — no data is copied into it.',
  Database: 'A named group of tables in the Data Catalog, like a folder for table definitions.',
  Table:
    'A description of a dataset: its files, format, columns and types, and partitions; queries and jobs read the files through it.',
  Partition:
    'A slice of a table stored in its own folder, such as year=2024/month=01, so a query can skip the folders it does not need.',
  Crawler:
    'Reads folders or URLs, works out each file’s format and columns, and creates or updates tables in the Data Catalog.',
  Classifier:
    'A rule that recognises a file’s format (CSV, JSON, Parquet, or a custom CSV dialect) so a crawler reads it right.',
  Job: 'An ETL recipe: read from sources, transform (filter, join, aggregate…), and write the result to a target such as Parquet.',
  'Job run':
    'One execution of a job, with its state (RUNNING, SUCCEEDED, FAILED…), duration, metrics and log.',
  Bookmark:
    'What a job remembers of the files it has processed, so the next run reads only new files.',
  Trigger:
    'Starts jobs or crawlers: on demand, on a schedule (cron), when other runs end in a given state, or when new files arrive.',
  Workflow:
    'A graph of triggers, jobs and crawlers run as one unit, each step starting when the ones before it finish.',
  Run: 'One execution of a job, crawler or workflow, from its start to its final state.',
} as const;

export type GlossaryTerm = keyof typeof GLOSSARY;

/** The explanation of `term`; every term the UI marks is listed above (a typo fails to compile). */
export function explain(term: GlossaryTerm): string {
  return GLOSSARY[term];
}
