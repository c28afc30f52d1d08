/**
 * The job being edited on the canvas: the job itself, the selected node, undo and redo, whether
 * it differs from what was saved, and what the catalog and the engine say about each node
 * (output columns, problems), plus the data preview of the selected node.
 */
import {
  afterEdit,
  bindSourceToFile,
  bindSourceToTable,
  carriedBindings,
  compileJob,
  describeJob,
  editorSources,
  emptyHistory,
  engineErrorText,
  JobError,
  nodeLabel,
  previewSql,
  redoStep,
  undoStep,
  unboundIssues,
  unboundSources,
  validateJob,
  withDroppedFile,
  type CompileContext,
  type EditHistory,
  type EditorCatalog,
  type EngineAnswer,
  type EngineFindings,
  type Job,
  type JobIssue,
  type NodeColumn,
  type JobNode,
  type NodeId,
  type PendingSource,
} from '../jobs';
import type { ColumnInfo, CsvDialect } from '../core/csv/dialect';
import type { CatalogTable } from '../catalog';
import type { EngineClient } from '../engine/client';
import {
  exportScripts,
  glueBundle,
  scriptTableOf,
  type GlueBundle,
  type GlueBundleOptions,
  type JobScripts,
} from '../scripts';
import type { SqlResult } from '../engine/protocol';
import { gridFromIpc } from '../engine/preview';
import type { CatalogState } from './catalog.svelte';
import type { Row } from '../core/rows/row-window';

let fileCount = 0;

/** Rows each source contributes to a data preview. */
export const PREVIEW_SAMPLE = 100_000;

/** Changes settle this long before the engine is asked again. */
const SETTLE_MS = 250;

/** A file dropped for a source: registered with the engine, its dialect and columns found. */
export interface InspectedFile {
  name: string;
  path: string;
  found: { dialect: CsvDialect; columns: ColumnInfo[] };
}

export type NodePreview =
  | { state: 'running'; nodeId: NodeId }
  | { state: 'rows'; nodeId: NodeId; result: SqlResult; ms: number }
  | { state: 'error'; nodeId: NodeId; message: string };

export class JobEditor {
  job = $state.raw<Job>() as Job;
  selected = $state<NodeId | null>(null);
  /** The job as last saved (or loaded): `dirty` compares with it. */
  private savedText = $state('');
  private history = $state.raw<EditHistory<Job>>(emptyHistory());

  /** The catalog part of the compile context (tables the sources read). */
  context = $state.raw<CompileContext>({});
  /** Problems found before the engine is asked: a source's files that cannot be read now. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaced whole, never changed
  private sourceProblems = $state.raw(new Map<NodeId, string>());
  findings = $state.raw<(EngineFindings & { job: Job }) | null>(null);
  describing = $state(false);
  preview = $state.raw<NodePreview | null>(null);
  /** When true, the selected node's preview follows edits and selection. */
  previewOpen = $state(false);

  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never rendered
  private cache = new Map<string, EngineAnswer>();
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly engine: EngineClient;
  private readonly catalog: EditorCatalog;

  constructor(job: Job, engine: EngineClient, catalog: CatalogState) {
    this.job = job;
    this.savedText = JSON.stringify(job);
    this.engine = engine;
    this.catalog = {
      table: (database, name) => catalog.table(database, name),
      listPartitions: (database, name) => catalog.listPartitions(database, name),
      ensureAttached: async (t) =>
        catalog.attachment(t)?.kind === 'attached' ? { kind: 'attached' } : catalog.attach(t),
    };
    this.schedule();
  }

  readonly dirty = $derived(JSON.stringify(this.job) !== this.savedText);
  readonly canUndo = $derived(this.history.past.length > 0);
  readonly canRedo = $derived(this.history.future.length > 0);

  /** The full compile context: catalog tables and what the engine found for this very job. */
  readonly fullContext = $derived.by((): CompileContext => {
    const f = this.findings;
    return f && f.job === this.job
      ? { ...this.context, schemas: f.schemas, facts: f.facts }
      : this.context;
  });

  /** An opened recipe's sources, with their nodes as it opened (see src/jobs/recipes). */
  private pending = $state.raw<readonly PendingSource[]>([]);
  /** Source nodes a binding made; undo brings back the unbound ones, so this is by node. */
  private boundNodes = new WeakSet<JobNode>();
  /** The opened recipe's sources not bound yet to a table or file here. */
  readonly unbound = $derived(
    unboundSources(this.job, this.pending, (n) => this.boundNodes.has(n)),
  );

  readonly issues = $derived<JobIssue[]>([
    ...unboundIssues(this.job, this.unbound),
    ...validateJob(this.job, this.fullContext),
  ]);

  /** Every problem of node `id`, in words: the job's checks, its files, the engine's answer. */
  problemsOf(id: NodeId): string[] {
    const out = this.issues.filter((i) => i.nodeId === id).map((i) => i.message);
    const files = this.sourceProblems.get(id);
    if (files) out.push(files);
    // The last answer, until the next one arrives: the status line says it is being checked.
    const engineSaid = this.findings?.errors.get(id);
    if (engineSaid) out.push(engineSaid);
    return out;
  }

  /** The job's problems that belong to no node (e.g. "add a target"). */
  readonly jobProblems = $derived(this.issues.filter((i) => i.nodeId === undefined));

  /** Node `id`'s output columns as the engine last described them, or null. */
  columnsOf(id: NodeId): NodeColumn[] | null {
    return this.findings?.schemas.get(id) ?? null;
  }

  /** The Script tab: every target's SQL, or why there is none yet. */
  readonly script = $derived.by((): { sql: string } | { error: string } => {
    try {
      return { sql: compileJob(this.job, this.fullContext).script };
    } catch (e) {
      if (e instanceof JobError) return { error: e.message };
      throw e;
    }
  });

  /** The catalog tables the job's sources read (each once). */
  private sourceTables() {
    const out: CatalogTable[] = [];
    for (const n of this.job.nodes) {
      if (n.kind !== 'catalog-source') continue;
      const t = this.catalog.table(n.options.database, n.options.table);
      if (t && !out.some((u) => u.database === t.database && u.name === t.name)) out.push(t);
    }
    return out;
  }

  private scriptContext() {
    const files = Object.fromEntries(
      this.job.nodes.flatMap((n) => (n.kind === 'file-source' ? [[n.options.path, n.name]] : [])),
    );
    const ctx = this.fullContext;
    return {
      tables: this.sourceTables().map(scriptTableOf),
      files,
      schemas: ctx.schemas,
      facts: ctx.facts,
    };
  }

  /** The Script tab's exports: native DuckDB SQL and AWS Glue PySpark, or why not yet. */
  readonly exports = $derived.by((): JobScripts => exportScripts(this.job, this.scriptContext()));

  /** "Export for AWS Glue": the API inputs to deploy the job. Throws the job's JobError. */
  glueBundle(options: GlueBundleOptions): GlueBundle {
    return glueBundle(this.job, this.sourceTables(), this.scriptContext(), options);
  }

  // ---- edits -------------------------------------------------------------------------------

  /** Makes `next` the job; one undo step, or part of the last one when `key` repeats soon. */
  edit(next: Job, key?: string): void {
    if (next === this.job) return;
    const isBound = (n: JobNode) => this.boundNodes.has(n);
    for (const n of carriedBindings(this.job, next, this.pending, isBound)) this.boundNodes.add(n);
    this.history = afterEdit(this.history, this.job, key, Date.now());
    this.setJob(next);
  }

  undo(): void {
    const step = undoStep(this.history, this.job);
    if (!step) return;
    this.history = step.history;
    this.setJob(step.value);
  }

  redo(): void {
    const step = redoStep(this.history, this.job);
    if (!step) return;
    this.history = step.history;
    this.setJob(step.value);
  }

  /** Replaces the job without an undo step (a version restored, the job reloaded). */
  reset(job: Job): void {
    this.history = emptyHistory();
    this.savedText = JSON.stringify(job);
    this.setJob(job);
  }

  /** The current job is what storage holds now. */
  markSaved(job: Job = this.job): void {
    this.savedText = JSON.stringify(job);
  }

  select(id: NodeId | null): void {
    if (this.selected === id) return;
    this.selected = id;
    if (this.previewOpen) this.schedule();
  }

  private setJob(job: Job): void {
    this.job = job;
    if (this.selected !== null && !job.nodes.some((n) => n.id === this.selected))
      this.selected = null;
    this.schedule();
  }

  // ---- the engine ----------------------------------------------------------------------------

  /** Forget the engine's answers (the catalog changed) and ask again. */
  catalogChanged(): void {
    this.cache.clear();
    this.schedule();
  }

  /** Asks the engine about the job once edits settle. */
  schedule(): void {
    this.describing = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, SETTLE_MS);
  }

  /**
   * Stops asking the engine while the editor is not shown (its job, undo history and preview
   * stay); `schedule()` resumes.
   */
  suspend(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.generation++;
    this.describing = false;
  }

  private async refresh(): Promise<void> {
    const gen = ++this.generation;
    const job = this.job;
    const stale = () => gen !== this.generation;
    this.describing = true;
    try {
      await this.catalogContext(job);
      if (stale()) return;
      // A recipe's SQL is someone else's: none of it runs before its sources are bound here.
      if (this.unbound.length > 0) {
        this.findings = null;
        return;
      }
      const found = await describeJob(job, this.context, this.engine, this.cache, stale);
      if (stale()) return;
      this.findings = { ...found, job };
      if (this.previewOpen && this.selected !== null) await this.runPreview(this.selected, stale);
    } finally {
      if (!stale()) this.describing = false;
    }
  }

  /** The catalog tables the job's sources read, attached to the engine, with their partitions. */
  private async catalogContext(job: Job): Promise<void> {
    const { context, problems } = await editorSources(job, this.catalog);
    this.context = context;
    this.sourceProblems = problems;
  }

  /**
   * Makes a Dropped file node read `file`: registered with the engine (read lazily, never
   * copied), its dialect and columns found as Quick convert finds them. One undo step. Throws
   * the engine's DecantError for a file it cannot read as CSV.
   */
  async useFile(id: NodeId, file: File): Promise<void> {
    const { name, path, found } = await this.inspectFile(file);
    this.edit(withDroppedFile(this.job, id, { name, path }, found));
  }

  /**
   * Registers `file` with the engine (read lazily, never copied) and finds its dialect and
   * columns as Quick convert does. Throws the engine's DecantError for a file it cannot read.
   */
  async inspectFile(file: File): Promise<InspectedFile> {
    const fileId = `job-${++fileCount}-${Date.now().toString(36)}`;
    await this.engine.addFile(fileId, file);
    const found = await this.engine.inspect(fileId);
    // The name the engine worker registers a file under (engine.worker.ts, addFile).
    const path = `f${fileId}${/\.(gz|gzip)$/i.test(file.name) ? '.csv.gz' : '.csv'}`;
    return { name: file.name, path, found: { dialect: found.dialect, columns: found.columns } };
  }

  /** The job came from a recipe: these sources wait to be bound (see `unbound`). */
  awaitBindings(pending: readonly PendingSource[]): void {
    this.pending = pending;
  }

  /** Binds an opened recipe's source `id` to catalog table `database.table` (one undo step). */
  bindTable(id: NodeId, table: { database: string; table: string }): void {
    this.bound(bindSourceToTable(this.job, id, table), id);
  }

  /** Binds an opened recipe's source `id` to a file inspectFile read (one undo step). */
  bindFile(id: NodeId, file: InspectedFile): void {
    this.bound(bindSourceToFile(this.job, id, file, file.found), id);
  }

  private bound(next: Job, id: NodeId): void {
    const node = next.nodes.find((n) => n.id === id);
    if (node) this.boundNodes.add(node);
    this.edit(next);
  }

  /** Shows the first 100 rows of node `id` (and keeps following it while the preview is open). */
  async showPreview(id: NodeId): Promise<void> {
    this.previewOpen = true;
    this.select(id);
    await this.runPreview(id, () => false);
  }

  private async runPreview(id: NodeId, stale: () => boolean): Promise<void> {
    const old = this.preview;
    if (this.unbound.length > 0) {
      const message = "bind the recipe's sources first: nothing of the job runs before";
      this.preview = { state: 'error', nodeId: id, message };
      return;
    }
    let sql: string;
    try {
      // Like Glue Studio, a preview reads a sample of each source: about a second on 1 GB.
      sql = previewSql(this.job, id, { ...this.fullContext, sourceSample: PREVIEW_SAMPLE });
    } catch (e) {
      if (!(e instanceof JobError)) throw e;
      this.preview = { state: 'error', nodeId: id, message: e.issues[0]?.message ?? e.message };
      return;
    }
    this.preview = { state: 'running', nodeId: id };
    const t0 = performance.now();
    try {
      const result = await this.engine.runSql(sql);
      const ms = performance.now() - t0;
      if (stale()) {
        if (result.resultId) void this.engine.dropResult(result.resultId).catch(() => undefined);
        return;
      }
      this.preview = { state: 'rows', nodeId: id, result, ms };
    } catch (e) {
      if (stale()) return;
      const message = e instanceof Error ? e.message : String(e);
      const node = this.job.nodes.find((n) => n.id === id);
      this.preview = {
        state: 'error',
        nodeId: id,
        message: `${node ? nodeLabel(node) : id}: ${engineErrorText(message)}`,
      };
    } finally {
      if (old?.state === 'rows' && old.result.resultId)
        void this.engine.dropResult(old.result.resultId).catch(() => undefined);
    }
  }

  /** Rows of the preview shown now, as display text. */
  fetchPreviewRows = async (offset: number, limit: number): Promise<Row[]> => {
    const p = this.preview;
    if (p?.state !== 'rows' || !p.result.resultId) return [];
    return gridFromIpc(await this.engine.page(p.result.resultId, offset, limit), limit).rows;
  };
}

/** The page's kept job editors, by job name: one instance, made in src/app/boot.ts. */
export class JobEditors {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never rendered
  readonly #editors = new Map<string, { editor: JobEditor; destroy: () => void }>();

  /**
   * The editor of job `name`, made by `make` the first time: kept for the page's life, so
   * unsaved edits and their undo history survive a look at another page. It is made in a root of
   * its own: its derived state must not die with the component that first showed it.
   */
  for(name: string, make: () => JobEditor): JobEditor {
    let kept = this.#editors.get(name);
    if (!kept) {
      let editor: JobEditor | undefined;
      const destroy = $effect.root(() => {
        editor = make();
      });
      kept = { editor: editor!, destroy };
      this.#editors.set(name, kept);
    }
    return kept.editor;
  }

  /** Whether an editor of job `name` is kept (an unsaved new job has one and nothing else). */
  has(name: string): boolean {
    return this.#editors.has(name);
  }

  /** Forgets the kept editor of a deleted job (and its unsaved edits). */
  forget(name: string): void {
    const kept = this.#editors.get(name);
    if (!kept) return;
    kept.editor.suspend();
    kept.destroy();
    this.#editors.delete(name);
  }
}
