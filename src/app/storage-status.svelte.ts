import { storageStatusText, type StorageConnection, type StorageStatus } from '../storage';

/** The page's storage connection as the UI sees it: for the banner that asks for a reload. */
export class StorageStatusState {
  status = $state.raw<StorageStatus>({ kind: 'opening' });
  /** What to tell the user, or '' when all is well. */
  readonly text = $derived(storageStatusText(this.status));
  /** Only a reload helps: the database moved on (or went away) under this page. */
  readonly needsReload = $derived(
    this.status.kind === 'outdated' || this.status.kind === 'lost' || this.status.kind === 'failed',
  );

  constructor(connection: StorageConnection) {
    this.status = connection.status;
    connection.onStatus((s) => (this.status = s));
  }
}
