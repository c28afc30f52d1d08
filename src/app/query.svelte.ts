import { DecantError } from '../core/errors';
import type { EngineClient } from '../engine/client';
import type { SqlResult } from '../engine/protocol';
import { gridFromIpc } from '../engine/preview';
import type { Row } from '../core/rows/row-window';

/** The SQL console: one statement runs at a time; its result stays in the engine for paging. */
export class QueryConsole {
  sql = $state('');
  result = $state.raw<SqlResult | null>(null);
  error = $state.raw<DecantError | null>(null);
  running = $state(false);
  private engine: EngineClient;

  /** Runs before each statement, e.g. waiting until every catalog table is served. */
  private readonly beforeRun: () => Promise<unknown>;

  constructor(engine: EngineClient, initialSql = '', beforeRun = () => Promise.resolve()) {
    this.engine = engine;
    this.sql = initialSql;
    this.beforeRun = beforeRun;
  }

  async run(): Promise<void> {
    if (this.running || this.sql.trim() === '') return;
    this.running = true;
    this.error = null;
    const previous = this.result;
    try {
      await this.beforeRun();
      this.result = await this.engine.runSql(this.sql);
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
}
