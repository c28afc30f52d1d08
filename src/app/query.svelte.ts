import { DecantError } from '../core/errors';
import type { EngineClient } from '../engine/client';
import type { SqlResult } from '../engine/protocol';
import { gridFromIpc } from '../engine/preview';
import type { Row } from '../core/rows/row-window';
import { historyWith, type QueryDraft, type QueryHistoryStore } from './query-history';

export interface QueryConsoleOptions {
  /** Runs before each statement, e.g. waiting until every catalog table is served. */
  beforeRun?: () => Promise<unknown>;
  /** Where every statement run is recorded (none: not kept). */
  history?: QueryHistoryStore;
  /** Where the text being edited is kept; its text is the console's first `sql`. */
  draft?: QueryDraft;
}

/**
 * The SQL console: one statement runs at a time; its result stays in the engine for paging.
 * Every statement run goes into the history (newest first); the text is kept as it is edited.
 */
export class QueryConsole {
  sql = $state('');
  result = $state.raw<SqlResult | null>(null);
  /** The statement that made `result` (an export runs it again in the engine). */
  resultSql = $state('');
  error = $state.raw<DecantError | null>(null);
  running = $state(false);
  /** Statements run, newest first. */
  history = $state.raw<string[]>([]);
  /** Why the history could not be read or written; '' when it can. */
  historyProblem = $state('');
  private engine: EngineClient;
  private readonly beforeRun: () => Promise<unknown>;
  private readonly store?: QueryHistoryStore;
  private readonly draft?: QueryDraft;
  /** The history entry the editor shows while browsing with Up/Down; -1 when not browsing. */
  private recalled = -1;

  constructor(engine: EngineClient, options: QueryConsoleOptions = {}) {
    this.engine = engine;
    this.beforeRun = options.beforeRun ?? (() => Promise.resolve());
    this.store = options.history;
    this.draft = options.draft;
    this.sql = this.draft?.load() ?? '';
  }

  /** Reads the stored history. */
  async loadHistory(): Promise<void> {
    if (!this.store) return;
    try {
      this.history = await this.store.list();
    } catch (e) {
      this.historyProblem = `query: history cannot be read: ${String(e)}`;
    }
  }

  /** The user's text changed: kept as the draft. */
  edit(sql: string): void {
    if (sql === this.sql) return;
    this.sql = sql;
    if (sql !== this.history[this.recalled]) this.recalled = -1;
    this.draft?.save(sql);
  }

  /**
   * For Up (`step` 1: older) and Down (`step` -1: newer) in the editor: the history entry next to
   * the one shown. Undefined when there is none that way; newer than the newest is '' (empty).
   */
  recall(step: 1 | -1): string | undefined {
    const at = this.recalled + step;
    if (at < -1 || at >= this.history.length) return undefined;
    this.recalled = at;
    return at === -1 ? '' : this.history[at];
  }

  /** Whether Up/Down would browse the history now: the editor is empty or shows a recalled entry. */
  get browsing(): boolean {
    return (
      this.sql.trim() === '' || (this.recalled >= 0 && this.sql === this.history[this.recalled])
    );
  }

  async run(): Promise<void> {
    if (this.running || this.sql.trim() === '') return;
    this.running = true;
    this.error = null;
    const previous = this.result;
    const sql = this.sql;
    this.remember(sql);
    try {
      await this.beforeRun();
      this.result = await this.engine.runSql(sql);
      this.resultSql = sql;
      if (previous?.resultId) void this.engine.dropResult(previous.resultId).catch(() => undefined);
    } catch (e) {
      this.error = e instanceof DecantError ? e : new DecantError(String(e));
    } finally {
      this.running = false;
    }
  }

  /** Rows [offset, offset+limit) of the current result, as display text. */
  fetchRows = async (offset: number, limit: number): Promise<Row[]> => {
    const r = this.result;
    if (!r?.resultId) return [];
    return gridFromIpc(await this.engine.page(r.resultId, offset, limit), limit).rows;
  };

  /** Records `sql` first in the history, shown at once and stored in the background. */
  private remember(sql: string): void {
    this.recalled = -1;
    this.history = historyWith(this.history, sql);
    if (!this.store) return;
    this.store.add(sql).then(
      (stored) => {
        this.history = stored;
        this.historyProblem = '';
      },
      (e: unknown) => (this.historyProblem = `query: history cannot be saved: ${String(e)}`),
    );
  }
}
