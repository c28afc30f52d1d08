import type { Crawler, CsvClassifier } from '../catalog';
import {
  classifierProblems,
  type ClassifierProblem,
  type CsvClassifierSettings,
  type CustomCsvVerdict,
} from '../core/csv/custom-classifier';
import { DecantError } from '../core/errors';

/** Where saved classifiers live: the catalog's store (CatalogStore) fits. */
export interface ClassifierRecords {
  listClassifiers(): Promise<CsvClassifier[]>;
  putClassifier(c: CsvClassifier): Promise<CsvClassifier>;
  deleteClassifier(name: string): Promise<void>;
  listCrawlers(): Promise<Crawler[]>;
}

/** What "Try on a file" needs from the engine: EngineClient fits. */
export interface ClassifierEngine {
  addFile(fileId: string, file: File): Promise<void>;
  removeFile(fileId: string): Promise<void>;
  classifyCsvCustom(fileId: string, classifier: CsvClassifierSettings): Promise<CustomCsvVerdict>;
}

/** The outcome of trying a classifier on a file. */
export type Trial =
  | { kind: 'verdict'; fileName: string; verdict: CustomCsvVerdict }
  | { kind: 'failed'; fileName: string; message: string };

let nextTry = 0;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Saved custom CSV classifiers (Glue's CsvClassifier) as the UI sees them: the list, saving
 * with every field checked first, deleting, and trying unsaved settings on a file. Failures are
 * kept in `problem` (store) or `trial` (engine), never thrown at the view.
 */
export class ClassifiersState {
  /** Sorted by name. */
  list = $state.raw<CsvClassifier[]>([]);
  loaded = $state(false);
  /** Why the last load, save or delete failed, as the store said it; '' when it did not. */
  problem = $state('');
  busy = $state(false);
  trial = $state.raw<Trial | null>(null);
  trying = $state(false);
  private records: () => ClassifierRecords;
  private engine: ClassifierEngine;

  /** `records` is called at each use: the catalog opens after the page does. */
  constructor(records: () => ClassifierRecords, engine: ClassifierEngine) {
    this.records = records;
    this.engine = engine;
  }

  /** Resolves false (with `problem` set) when the store cannot be read. */
  async load(): Promise<boolean> {
    return this.attempt(async () => {
      const all = await this.records().listClassifiers();
      this.list = all.sort((a, b) => a.name.localeCompare(b.name));
      this.loaded = true;
    });
  }

  /** The saved classifiers with these names, in this order; unknown names are left out. */
  byNames(names: readonly string[]): CsvClassifier[] {
    return names.flatMap((n) => this.list.filter((c) => c.name === n));
  }

  /**
   * Saves a new classifier (`editing` null: its name must be free) or a new state of the one
   * named `editing` (whose name cannot change: crawlers refer to it). Returns the problems by
   * field, [] once saved; a store failure is in `problem` and returned under `name`.
   */
  async save(
    settings: CsvClassifierSettings,
    editing: string | null,
  ): Promise<ClassifierProblem[]> {
    const problems = classifierProblems(settings);
    if (editing !== null && settings.name !== editing)
      problems.unshift({ field: 'name', message: 'a saved classifier keeps its name' });
    if (editing === null && this.list.some((c) => c.name === settings.name))
      problems.unshift({
        field: 'name',
        message: `a classifier named "${settings.name}" exists already`,
      });
    if (problems.length > 0) return problems;
    const now = Date.now();
    const ok = await this.attempt(async () => {
      const plain = $state.snapshot(settings);
      await this.records().putClassifier({ ...plain, createdAt: now, updatedAt: now });
      const all = await this.records().listClassifiers();
      this.list = all.sort((a, b) => a.name.localeCompare(b.name));
    });
    return ok ? [] : [{ field: 'name', message: this.problem }];
  }

  /** Names of the saved crawlers that list this classifier. */
  async usedBy(name: string): Promise<string[]> {
    try {
      const crawlers = await this.records().listCrawlers();
      return crawlers.filter((c) => c.classifiers.includes(name)).map((c) => c.name);
    } catch {
      return [];
    }
  }

  /** Resolves false (with `problem` set) when the store refused. */
  async remove(name: string): Promise<boolean> {
    return this.attempt(async () => {
      await this.records().deleteClassifier(name);
      this.list = this.list.filter((c) => c.name !== name);
    });
  }

  /** Tries `settings` (saved or not) on `file`; the outcome lands in `trial`. */
  async tryOn(file: File, settings: CsvClassifierSettings): Promise<void> {
    const problems = classifierProblems(settings);
    if (problems.length > 0) {
      this.trial = {
        kind: 'failed',
        fileName: file.name,
        message: `fix the classifier first: ${problems.map((p) => p.message).join('; ')}`,
      };
      return;
    }
    const id = `classifier-try-${++nextTry}`;
    this.trying = true;
    this.trial = null;
    try {
      await this.engine.addFile(id, file);
      const verdict = await this.engine.classifyCsvCustom(id, $state.snapshot(settings));
      this.trial = { kind: 'verdict', fileName: file.name, verdict };
    } catch (e) {
      this.trial = { kind: 'failed', fileName: file.name, message: message(e) };
    } finally {
      this.trying = false;
      await this.engine.removeFile(id).catch(() => undefined);
    }
  }

  private async attempt(action: () => Promise<void>): Promise<boolean> {
    this.problem = '';
    this.busy = true;
    try {
      await action();
      return true;
    } catch (e) {
      this.problem = e instanceof DecantError ? e.message : `classifiers: ${message(e)}`;
      return false;
    } finally {
      this.busy = false;
    }
  }
}
