/**
 * The composition root: the page's one database connection, one engine and one of each state
 * class, made here once and handed to the UI by Svelte context (src/app/context.ts). Nothing
 * else in the app makes a singleton. Readiness is a promise (`ready`), never a poll.
 */
import type { EngineClient } from '../engine/client';
import { connectEngine } from '../engine/connect-engine';
import { connectStorage, type StorageConnection } from '../storage';
import { sweepScratchFiles } from '../platform/scratch-files';
import { AppUpdateState } from './app-update.svelte';
import { CatalogState } from './catalog.svelte';
import { ClassifiersState } from './classifiers.svelte';
import { CredentialsState, settingsVaultStore } from './credentials.svelte';
import { s3CredentialsOf, tableObjectPresigner } from './s3-crawl';
import { s3JobOutputOf } from './s3-job-output';
import { setS3ObjectPresigner } from '../catalog';
import { EngineWork } from './engine-work.svelte';
import { JobEditors } from './job-editor.svelte';
import { JobsState } from './jobs.svelte';
import { PackagesState } from './packages.svelte';
import { Router } from './router.svelte';
import { RunsState } from './runs.svelte';
import { createScheduleState, type ScheduleState } from './schedule.svelte';
import { clockFromSearch } from './scheduler-clock';
import { partSizeFromSearch, ShareState } from './share.svelte';
import { StorageStatusState } from './storage-status.svelte';
import { QualityState } from './quality.svelte';

export interface DecantApp {
  router: Router;
  storage: StorageConnection;
  storageStatus: StorageStatusState;
  engine: EngineClient;
  catalog: CatalogState;
  classifiers: ClassifiersState;
  jobs: JobsState;
  jobEditors: JobEditors;
  schedule: ScheduleState;
  runs: RunsState;
  /** S3 access pasted by the user: memory only, or sealed with a passphrase. */
  credentials: CredentialsState;
  share: ShareState;
  /** The received data package open (zip, folder, URL, share link). */
  packages: PackagesState;
  /** Data quality rulesets and evaluations on the table page. */
  quality: QualityState;
  /** A new version of the app waiting to be taken (held while engine work runs). */
  update: AppUpdateState;
  /**
   * Settles once the catalog, the jobs and the scheduler have opened. Never rejects: each state
   * keeps its own `loadError`, and the storage banner says when the database cannot open.
   */
  ready: Promise<void>;
}

/**
 * Makes the app's parts and starts them: the database opens, the scheduler joins its election.
 * `connected` is the engine main.ts started before the app's code loaded (tests make their own).
 */
export function bootApp(connected: EngineClient = connectEngine()): DecantApp {
  const router = new Router();
  const storage = connectStorage();
  const db = storage.db;
  const work = new EngineWork();
  const engine = work.watch(connected);
  const catalog = new CatalogState(engine, db);
  const credentials = new CredentialsState(settingsVaultStore(db));
  // S3 targets sign with the credentials held at each run (scheduled runs too; locked: it fails).
  const jobs = new JobsState({ db, engine, catalog, s3: s3JobOutputOf(credentials) });
  const clock = clockFromSearch(location.search);
  const schedule = createScheduleState({
    engine,
    catalog,
    jobs,
    db,
    clock,
    // A scheduled S3 crawl signs with the credentials this tab holds; locked, it fails saying so.
    s3Credentials: () => s3CredentialsOf(credentials.access),
  });
  const runs = new RunsState(db);
  schedule.onFailedRun = (run) => runs.notifyFailure(run);
  // Tables crawled from S3 with credentials presign their reads with the ones held now.
  setS3ObjectPresigner(tableObjectPresigner(() => credentials.access));
  const partSize = partSizeFromSearch(location.search);
  const share = new ShareState({ engine, catalog, jobs, credentials, partSize });
  const ready = Promise.all([
    catalog.open(),
    // Job runs a closed tab left RUNNING are marked interrupted here, whatever page opens first.
    jobs.load(),
    // The scheduler starts with the app, whatever the page: one tab fires (schedule.svelte.ts).
    schedule.open(),
  ]).then(() => undefined);
  // Scratch files (zips, exports, shares) that a closed or crashed tab left in OPFS.
  void sweepScratchFiles().catch(() => undefined);
  return {
    router,
    storage,
    storageStatus: new StorageStatusState(storage),
    engine,
    catalog,
    classifiers: new ClassifiersState(() => catalog.records, engine),
    jobs,
    jobEditors: new JobEditors(),
    schedule,
    runs,
    credentials,
    share,
    packages: new PackagesState(engine, catalog),
    quality: new QualityState(engine, db, catalog),
    update: new AppUpdateState(work),
    ready,
  };
}
