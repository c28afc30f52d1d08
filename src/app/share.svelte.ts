/**
 * The Share dialog's state: the tables chosen, each column's treatment and the row filter (the
 * share rules, checked as they change, with a preview of the first shared rows), the package's
 * title, where it goes (zip download, a picked folder, S3 with the pasted credentials, or a
 * presigned POST), the run with progress and Cancel, and after an S3 upload the share link.
 */
import type { CatalogTable } from '../catalog';
import { DecantError } from '../core/errors';
import type { EngineClient } from '../engine/client';
import { gridFromIpc, type PreviewGrid } from '../engine/preview';
import { jobWithoutSecrets, type FilterGroup, type Job } from '../jobs';
import { scratchFolder, scratchPrefix } from '../platform/scratch-files';
import { downloadStream } from '../platform/stream-download';
import {
  compileShare,
  linkFragment,
  linkWarning,
  packageEntries,
  packageZip,
  postPackage,
  prepareShare,
  removeScratch,
  presignedPostFrom,
  presignPackage,
  previewSql,
  recipeExposures,
  S3Uploader,
  shareIssues,
  uploadPackage,
  withheldSentences,
  writePackageToFolder,
  MAX_LINK_SECONDS,
  type PackageInput,
  type ShareRules,
  type ShareScratch,
} from '../share';
import { detectSensitiveColumns, type CustomEntityType } from '../quality';
import type { CatalogState } from './catalog.svelte';
import { bucketOf, type CredentialsState, type S3Access } from './credentials.svelte';
import type { JobsState } from './jobs.svelte';

export type Treatment = 'kept' | 'omitted' | 'hashed' | 'redacted' | 'partial';
export type ShareDestination = 'zip' | 'folder' | 's3' | 'post';
export type SharePhase = 'idle' | 'preparing' | 'writing' | 'done' | 'failed' | 'cancelled';

/** Share link lifetimes offered, in seconds: one hour to S3's maximum of seven days. */
export const LINK_EXPIRIES: { seconds: number; label: string }[] = [
  { seconds: 3600, label: '1 hour' },
  { seconds: 6 * 3600, label: '6 hours' },
  { seconds: 24 * 3600, label: '1 day' },
  { seconds: 3 * 24 * 3600, label: '3 days' },
  { seconds: MAX_LINK_SECONDS, label: '7 days (S3’s maximum)' },
];

/** Entities whose values nobody needs to join on: redacted, not hashed, when found. */
const REDACTED_ENTITIES = new Set(['CREDIT_CARD', 'USA_SSN', 'DATE_OF_BIRTH']);

/** One table of the share and its rules as the dialog edits them. */
export class ShareTableDraft {
  treatments = $state<Record<string, Treatment>>({});
  rowFilter = $state.raw<FilterGroup>({ combine: 'AND', clauses: [] });
  preview = $state.raw<PreviewGrid | null>(null);
  previewError = $state.raw<string | null>(null);
  /** Previews asked for so far; an answer is shown only if it is the latest's. */
  previewAsked = 0;
  /** Entity types found per column by "Detect sensitive data" (null: not run yet). */
  findings = $state.raw<Record<string, string[]> | null>(null);
  detecting = $state(false);
  detectError = $state.raw<string | null>(null);
  /** The user's choice of "Include the recipe" (null: not touched, the default applies). */
  recipeChoice = $state<boolean | null>(null);

  constructor(
    readonly table: CatalogTable,
    private readonly salt: string,
    /** The job that made the table, as its recipe would carry it (no secrets); null: none. */
    readonly job: Job | null = null,
  ) {
    for (const c of [...table.columns, ...table.partitionKeys]) this.treatments[c.name] = 'kept';
  }

  get label(): string {
    return `${this.table.database}.${this.table.name}`;
  }

  /** The rules the treatments and filter make (the salt is the dialog's, never written out). */
  get rules(): ShareRules {
    const of = (t: Treatment) =>
      Object.entries(this.treatments)
        .filter(([, v]) => v === t)
        .map(([k]) => k);
    const hash = of('hashed');
    return {
      omit: of('omitted'),
      hash,
      redact: of('redacted'),
      ...(of('partial').length ? { partial: of('partial') } : {}),
      ...(this.rowFilter.clauses.length ? { rowFilter: this.rowFilter } : {}),
      ...(hash.length ? { salt: this.salt } : {}),
    };
  }

  /** Every problem with the rules, in words (empty: they compile). */
  get issues(): string[] {
    return shareIssues(this.table, this.rules);
  }

  /** A job made the table and is still saved: the package may carry its recipe. */
  get hasRecipe(): boolean {
    return this.job !== null;
  }

  /** Where the recipe names a withheld column, in sentences (empty: nowhere, or no recipe). */
  get recipeExposures(): string[] {
    return this.job ? recipeExposures(this.job, this.rules) : [];
  }

  /** Whether the recipe goes in the package: the user's choice, else on unless it exposes a withheld column. */
  get includeRecipe(): boolean {
    return this.recipeChoice ?? this.recipeExposures.length === 0;
  }

  /** What the package will withhold, in plain sentences (empty: nothing). */
  get withheld(): string[] {
    if (this.issues.length) return [];
    return withheldSentences(compileShare(this.table, this.rules).withheld);
  }
}

export interface ShareDeps {
  engine: EngineClient;
  catalog: CatalogState;
  jobs: JobsState;
  credentials: CredentialsState;
  /** Multipart part size, from the test hook `?s3PartSize=<bytes>`; default S3's 5 MiB. */
  partSize?: number;
}

/** The test hook `?s3PartSize=<bytes>` (an S3-compatible test server takes small parts). */
export function partSizeFromSearch(search: string): number | undefined {
  const v = /[?&]s3PartSize=(\d{4,10})(?:&|$)/.exec(search)?.[1];
  return v ? Number(v) : undefined;
}

interface Uploaded {
  access: S3Access;
  prefix: string;
  /** Paths relative to the prefix, datapackage.json among them. */
  paths: string[];
}

export class ShareState {
  open = $state(false);
  drafts = $state.raw<ShareTableDraft[]>([]);
  title = $state('');
  description = $state('');
  destination = $state<ShareDestination>('zip');
  folder = $state.raw<FileSystemDirectoryHandle | null>(null);
  postText = $state('');
  phase = $state<SharePhase>('idle');
  /** What is being done, and how far (bytes of the data files, or rows while preparing). */
  progress = $state.raw<{ label: string; done: number; total: number | null } | null>(null);
  error = $state.raw<DecantError | null>(null);
  /** What was written, in words, when done. */
  outcome = $state('');
  uploaded = $state.raw<Uploaded | null>(null);
  link = $state.raw<{ url: string; warning: string } | null>(null);
  linkError = $state.raw<DecantError | null>(null);

  private salt = '';
  private controller: AbortController | null = null;

  constructor(private readonly deps: ShareDeps) {}

  get running(): boolean {
    return this.phase === 'preparing' || this.phase === 'writing';
  }

  /** Opens the dialog for `tables`, every column kept, every row. */
  start(tables: readonly CatalogTable[]): void {
    if (this.running) return;
    const bytes = crypto.getRandomValues(new Uint8Array(24));
    this.salt = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    this.drafts = tables.map((t) => {
      const job =
        t.updatedBy.kind === 'job' ? this.deps.jobs.get(t.updatedBy.name)?.job : undefined;
      return new ShareTableDraft(t, this.salt, job ? jobWithoutSecrets(job) : null);
    });
    this.title = tables.length === 1 ? `${tables[0]!.database}.${tables[0]!.name}` : '';
    this.description = '';
    this.phase = 'idle';
    this.progress = null;
    this.error = null;
    this.outcome = '';
    this.uploaded = null;
    this.link = null;
    this.linkError = null;
    this.open = true;
  }

  close(): void {
    if (this.running) return;
    this.open = false;
    this.drafts = [];
    this.salt = '';
  }

  /** Problems that stop the share, in words (empty: it may start). */
  get blockers(): string[] {
    const out: string[] = [];
    if (!this.title.trim()) out.push('Give the package a title.');
    for (const d of this.drafts) for (const i of d.issues) out.push(`${d.label}: ${i}`);
    if (this.destination === 'folder' && !this.folder) out.push('Choose the folder to write into.');
    if (this.destination === 's3' && !this.deps.credentials.access)
      out.push('Give the S3 credentials and bucket.');
    if (this.destination === 'post' && !this.postText.trim())
      out.push('Paste the presigned POST (its JSON).');
    return out;
  }

  /**
   * Glue's "Detect sensitive data" on a sample of `draft`'s table; each column found that is still
   * kept is set to be hashed (redacted for card numbers, SSNs and dates of birth), for the user to
   * change.
   */
  async detectSensitive(
    draft: ShareTableDraft,
    customEntities: readonly CustomEntityType[] = [],
  ): Promise<void> {
    draft.detecting = true;
    draft.detectError = null;
    try {
      await this.serve(draft.table);
      const t = draft.table;
      const found = await detectSensitiveColumns(
        this.deps.engine,
        { database: t.database, name: t.name },
        [...t.columns, ...t.partitionKeys].map((c) => ({ name: c.name, type: c.type })),
        { customEntities },
      );
      const findings: Record<string, string[]> = {};
      for (const f of found) {
        if (!f.entities.length) continue;
        const types = f.entities.map((e) => e.type);
        findings[f.column] = types;
        if (draft.treatments[f.column] === 'kept')
          draft.treatments[f.column] = types.some((x) => REDACTED_ENTITIES.has(x))
            ? 'redacted'
            : 'hashed';
      }
      draft.findings = findings;
    } catch (e) {
      draft.detectError = e instanceof Error ? e.message : String(e);
    } finally {
      draft.detecting = false;
    }
  }

  /** Reads the first shared rows of `draft` into its preview (or its error). */
  async refreshPreview(draft: ShareTableDraft): Promise<void> {
    const rules = draft.rules;
    if (shareIssues(draft.table, rules).length) {
      draft.preview = null;
      draft.previewError = null;
      return;
    }
    const { engine } = this.deps;
    // Answers may come back out of order while the user types: only the latest is shown.
    const asked = ++draft.previewAsked;
    try {
      await this.serve(draft.table);
      const r = await engine.runSql(previewSql(compileShare(draft.table, rules), 10));
      try {
        if (asked !== draft.previewAsked) return;
        draft.preview =
          r.resultId === ''
            ? { columns: r.columns.map((c) => c.name), rows: [] }
            : gridFromIpc(await engine.page(r.resultId, 0, 10), 10);
      } finally {
        if (r.resultId) void engine.dropResult(r.resultId).catch(() => undefined);
      }
      draft.previewError = null;
    } catch (e) {
      if (asked !== draft.previewAsked) return;
      draft.preview = null;
      draft.previewError = e instanceof Error ? e.message : String(e);
    }
  }

  /** Asks for a folder to write the package into; call from a click. */
  async pickFolder(): Promise<void> {
    const pick = (
      globalThis as {
        showDirectoryPicker?: (o: { mode: 'readwrite' }) => Promise<FileSystemDirectoryHandle>;
      }
    ).showDirectoryPicker;
    if (!pick) {
      this.error = new DecantError(
        'share: this browser cannot write into a folder you pick: download a zip instead',
      );
      return;
    }
    const h = await pick({ mode: 'readwrite' }).catch(() => null);
    if (h) this.folder = h;
  }

  /** Makes the package and sends it where `destination` says, with progress; Cancel stops it. */
  async share(): Promise<void> {
    if (this.running || this.blockers.length) return;
    const controller = new AbortController();
    this.controller = controller;
    const signal = controller.signal;
    this.error = null;
    this.outcome = '';
    this.uploaded = null;
    this.link = null;
    this.phase = 'preparing';
    this.progress = { label: 'Reading the tables…', done: 0, total: null };
    // The Parquet files wait in the browser's storage, written as encoded, not in memory.
    const scratch = await shareScratch();
    try {
      const access = this.destination === 's3' ? this.deps.credentials.access! : null;
      const post = this.destination === 'post' ? presignedPostFrom(this.postText) : null;
      const location = access
        ? `s3://${access.bucket}/${access.prefix}`
        : post
          ? postLocation(post.url, post.prefix)
          : undefined;
      const input = await prepareShare(
        {
          title: this.title,
          description: this.description,
          tables: this.drafts.map((d) => ({
            table: d.table,
            rules: d.rules,
            includeRecipe: d.includeRecipe,
          })),
          location,
        },
        {
          engine: this.deps.engine,
          serve: (t) => this.serve(t),
          job: async (name) => this.deps.jobs.get(name)?.job,
          tableColumns: (database, name) => {
            const t = this.deps.catalog.table(database, name);
            return t ? [...t.columns, ...t.partitionKeys] : null;
          },
        },
        {
          signal,
          scratch,
          onProgress: (p) =>
            (this.progress = {
              label: `Writing ${p.table} as Parquet (table ${p.index + 1} of ${p.tables}): ${p.rows.toLocaleString('en-US')} rows`,
              done: p.index,
              total: p.tables,
            }),
        },
      );
      this.phase = 'writing';
      const total = dataBytes(input);
      if (this.destination === 'zip') await this.toZip(input, total, signal);
      else if (this.destination === 'folder') await this.toFolder(input, total, signal);
      else if (access) await this.toS3(input, access, total, signal);
      else if (post) {
        const tracker = progressOf(total, (p) => (this.progress = p));
        const keys = await postPackage(packageEntries(input).entries, post, {
          signal,
          onFile: (path, bytes) => tracker.finished(path, bytes),
        });
        this.outcome = `Posted ${keys.length} files under ${post.prefix || 'the bucket root'}.`;
      }
      this.phase = 'done';
    } catch (e) {
      const err =
        e instanceof DecantError ? e : new DecantError(`share: ${(e as Error)?.message ?? e}`);
      if (err.code === 'cancelled' || signal.aborted) {
        this.phase = 'cancelled';
        this.error = null;
      } else {
        this.phase = 'failed';
        this.error = err;
      }
    } finally {
      this.controller = null;
      this.progress = null;
      if (scratch) await removeScratch(scratch);
    }
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** Makes the share link of the last S3 upload, valid `seconds`; shows what it means first. */
  async makeLink(seconds: number): Promise<void> {
    const up = this.uploaded;
    if (!up) return;
    this.linkError = null;
    try {
      const link = await presignPackage(
        up.access,
        bucketOf(up.access),
        up.prefix,
        up.paths,
        seconds,
      );
      const base = `${location.origin}${location.pathname}`;
      this.link = { url: `${base}${linkFragment(link)}`, warning: linkWarning(link) };
    } catch (e) {
      this.link = null;
      this.linkError =
        e instanceof DecantError ? e : new DecantError(`share: ${(e as Error)?.message ?? e}`);
    }
  }

  private async serve(t: CatalogTable): Promise<void> {
    const a = await this.deps.catalog.attach(t);
    if (a.kind !== 'attached')
      throw new DecantError(`share: ${t.database}.${t.name} cannot be read now: ${a.message}`);
  }

  private async toZip(input: PackageInput, total: number, signal: AbortSignal): Promise<void> {
    const { zip, manifest } = packageZip(input);
    const name = `${fileNameOf(input.title)}.zip`;
    // Written into a scratch file of the browser's storage and downloaded from there: the zip
    // is never whole in the page's memory.
    let saved;
    try {
      saved = await downloadStream(zip, name, {
        signal,
        onBytes: (done) =>
          (this.progress = { label: 'Zipping the package…', done: Math.min(done, total), total }),
      });
    } catch (e) {
      if (signal.aborted)
        throw new DecantError('share: sharing was cancelled', { code: 'cancelled' });
      throw e;
    }
    await manifest;
    this.outcome = saved.onDisk
      ? `Downloaded ${name}.`
      : `Downloaded ${name} (assembled in memory: this browser has no private file system to write it into first).`;
  }

  private async toFolder(input: PackageInput, total: number, signal: AbortSignal): Promise<void> {
    const folder = this.folder!;
    const tracker = progressOf(total, (p) => (this.progress = p));
    const paths = await writePackageToFolder(packageEntries(input).entries, folder, {
      signal,
      onProgress: (path, bytes) => tracker.at(path, bytes),
    });
    this.outcome = `Wrote ${paths.length} files into folder "${folder.name}".`;
  }

  private async toS3(
    input: PackageInput,
    access: S3Access,
    total: number,
    signal: AbortSignal,
  ): Promise<void> {
    const uploader = new S3Uploader(access, bucketOf(access));
    const tracker = progressOf(total, (p) => (this.progress = p));
    const part = this.deps.partSize;
    const keys = await uploadPackage(packageEntries(input).entries, uploader, access.prefix, {
      signal,
      ...(part ? { partSize: part, minPartSize: part } : {}),
      onProgress: (path, bytes) => tracker.at(path, bytes),
    });
    this.uploaded = {
      access,
      prefix: access.prefix,
      paths: keys.map((k) => k.slice(access.prefix.length)),
    };
    this.outcome = `Uploaded ${keys.length} files to s3://${access.bucket}/${access.prefix}.`;
  }
}

/** Bytes of the tables' data files (what progress counts). */
function dataBytes(input: PackageInput): number {
  return input.tables.reduce((n, t) => n + t.parts.reduce((m, p) => m + p.data.size, 0), 0);
}

/** Progress over files sent one after another: `at` a file's bytes so far, `finished` one whole. */
function progressOf(
  total: number,
  set: (p: { label: string; done: number; total: number }) => void,
): { at(path: string, bytes: number): void; finished(path: string, bytes: number): void } {
  let before = 0;
  let current = '';
  let currentBytes = 0;
  const show = (path: string) =>
    set({ label: `Sending ${path}`, done: Math.min(before + currentBytes, total), total });
  return {
    at(path, bytes) {
      if (path !== current) {
        before += currentBytes;
        current = path;
      }
      currentBytes = bytes;
      show(path);
    },
    finished(path, bytes) {
      before += bytes;
      currentBytes = 0;
      current = '';
      show(path);
    },
  };
}

/** `s3://bucket/prefix/` for a presigned POST's URL (virtual-hosted or path-style). */
function postLocation(url: string, prefix: string): string | undefined {
  const u = new URL(url);
  const hosted = /^([^.]+(?:\.[^.]+)*?)\.s3[.-]/.exec(u.hostname)?.[1];
  const bucket = hosted ?? u.pathname.split('/').filter(Boolean)[0];
  return bucket ? `s3://${bucket}/${prefix}` : undefined;
}

function fileNameOf(title: string): string {
  return (
    title
      .trim()
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'package'
  );
}

/** Where a share's Parquet files wait to be packaged; undefined (memory) without OPFS. */
async function shareScratch(): Promise<ShareScratch | undefined> {
  const dir = await scratchFolder();
  // Named for this tab, so a start-up sweep removes them only once the tab is gone.
  return dir ? { dir, files: [], prefix: scratchPrefix() } : undefined;
}
