/**
 * The table page's Profile section: the table's stored profile (of the current version or an
 * older one, then "changed since"), and computing one again with progress and cancel.
 */
import type { ColumnInfo } from '../core/csv/dialect';
import { DecantError } from '../core/errors';
import type { EngineClient } from '../engine/client';
import type { QualityProgress } from '../engine/protocol';
import {
  computeProfile,
  profileStamp,
  ProfileStore,
  statisticsOfProfile,
  type ProfileSample,
  type TableProfile,
} from '../quality';
import type { CatalogDb } from '../storage/schema';
import type { CatalogState } from './catalog.svelte';

/** Default sample for a new profile: the first rows, as DataBrew's default profile job. */
export const DEFAULT_PROFILE_SAMPLE: ProfileSample = { kind: 'first', rows: 20_000 };

export class ProfileState {
  /** The shown table's newest stored profile, whatever version it describes. */
  profile = $state.raw<TableProfile | undefined>(undefined);
  running = $state(false);
  progress = $state.raw<QualityProgress | null>(null);
  error = $state('');
  private shown = '';
  private abort: AbortController | null = null;
  private store: Promise<ProfileStore>;

  constructor(
    private readonly engine: EngineClient,
    db: Promise<CatalogDb>,
    private readonly catalog: CatalogState,
    private readonly columns: (
      database: string,
      table: string,
      signal?: AbortSignal,
    ) => Promise<ColumnInfo[]>,
  ) {
    this.store = db.then((d) => new ProfileStore(d));
  }

  /** Loads the table's newest stored profile. */
  async show(database: string, table: string): Promise<void> {
    const k = `${database}\u0000${table}`;
    if (this.shown !== k) {
      this.profile = undefined;
      this.error = '';
    }
    this.shown = k;
    const p = await (await this.store).latest(database, table);
    if (this.shown === k) this.profile = p;
  }

  /** The stored profile of the table's current version, if there is one. */
  async current(database: string, table: string): Promise<TableProfile | undefined> {
    const t = this.catalog.table(database, table);
    const p = await (await this.store).latest(database, table);
    return t && p?.stamp === profileStamp(t) ? p : undefined;
  }

  /** Profiles the table as it is now and stores the profile; errors land in `error`. */
  async compute(database: string, table: string, sample: ProfileSample): Promise<void> {
    if (this.running) return;
    this.error = '';
    this.running = true;
    this.progress = null;
    const abort = (this.abort = new AbortController());
    try {
      const t = this.catalog.table(database, table);
      if (!t) throw new DecantError(`quality: no table ${database}.${table}`);
      if ((await this.catalog.attach(t)).kind !== 'attached')
        throw new DecantError(`quality: ${database}.${table} cannot be read now`);
      const profile = await computeProfile(this.engine, {
        table: { database, name: table },
        columns: await this.columns(database, table, abort.signal),
        sample,
        ...(t.parameters.recordCount === undefined ? {} : { tableRows: t.parameters.recordCount }),
        stamp: profileStamp(t),
        tableVersion: t.version,
        signal: abort.signal,
        onProgress: (p) => (this.progress = p),
      });
      await (await this.store).save(profile);
      // A profile of all rows holds the catalog's column statistics: store them too (no scan).
      if (sample.kind === 'all' && this.catalog.table(database, table)?.version === t.version)
        await this.catalog.saveStatistics(t, statisticsOfProfile(profile));
      if (this.shown === `${database}\u0000${table}`) this.profile = profile;
    } catch (e) {
      this.error =
        e instanceof DecantError && e.code === 'cancelled'
          ? 'Profile cancelled: the stored one is unchanged.'
          : e instanceof Error
            ? e.message
            : String(e);
    } finally {
      this.running = false;
      this.abort = null;
    }
  }

  cancel(): void {
    this.abort?.abort();
  }
}
