/**
 * The Runs page's model: every run of crawlers, jobs and workflows as one list, and opt-in
 * browser notifications when one fails (asked for on a click; shown by the tab that leads, once).
 */
import type { CatalogDb } from '../storage';
import { SchedulerStore, type FailedRun } from '../scheduler';
import { runHref, type RunRow } from './run-rows';

export type { RunRow };

const NOTIFY_KEY = 'decant-notify-failures';

export class RunsState {
  rows = $state.raw<RunRow[]>([]);
  loadError = $state('');
  /** The user asked for notifications and the browser allowed them. */
  notify = $state(false);
  notifyProblem = $state('');
  readonly #store: Promise<SchedulerStore>;

  /** `db` is the page's one connection (src/app/boot.ts). */
  constructor(db: Promise<CatalogDb>) {
    this.#store = db.then((d) => new SchedulerStore(d));
    // A database that cannot open is reported by the storage banner and by load(), not here.
    this.#store.catch(() => undefined);
    this.notify = readSetting() && notificationPermission() === 'granted';
  }

  /** Reads the newest runs of each kind (at most `limit` of each). */
  async load(limit = 500): Promise<void> {
    try {
      const { crawls, jobs, workflows } = await (await this.#store).newestRuns(limit);
      const rows: RunRow[] = [
        ...crawls.map((r) => ({
          kind: 'crawler' as const,
          id: r.id,
          name: r.crawler,
          state: r.state,
          startedAt: r.startedAt,
          // A crawler run is RUNNING with endedAt = startedAt.
          ...(r.state === 'RUNNING' ? {} : { endedAt: r.endedAt }),
          ...(r.activeMs === undefined ? {} : { activeMs: r.activeMs }),
          ...(r.error ? { error: r.error } : {}),
          href: runHref('crawler', r.crawler, r.id),
        })),
        ...jobs.map((r) => ({
          kind: 'job' as const,
          id: r.id,
          name: r.job,
          state: r.state,
          startedAt: r.startedAt,
          ...(r.endedAt === undefined ? {} : { endedAt: r.endedAt }),
          ...(r.error ? { error: r.error.message } : {}),
          href: runHref('job', r.job, r.id),
        })),
        ...workflows.map((r) => ({
          kind: 'workflow' as const,
          id: r.id,
          name: r.workflowName,
          state: r.state,
          startedAt: r.startedAt,
          ...(r.endedAt === undefined ? {} : { endedAt: r.endedAt }),
          ...(r.error ? { error: r.error } : {}),
          href: runHref('workflow', r.workflowName, r.id),
        })),
      ];
      this.rows = rows.sort((a, b) => b.startedAt - a.startedAt);
      this.loadError = '';
    } catch (e) {
      this.loadError = `runs: cannot read the runs: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** Asks the browser (call inside a click) and remembers the answer. */
  async enableNotifications(): Promise<void> {
    this.notifyProblem = '';
    if (typeof Notification === 'undefined') {
      this.notifyProblem = 'This browser cannot show notifications.';
      return;
    }
    const answer = await Notification.requestPermission();
    if (answer !== 'granted') {
      this.notifyProblem =
        answer === 'denied'
          ? 'The browser blocks notifications for this site: allow them in its site settings.'
          : 'Notifications were not allowed.';
      this.notify = false;
      return;
    }
    localStorage.setItem(NOTIFY_KEY, 'on');
    this.notify = true;
  }

  disableNotifications(): void {
    localStorage.removeItem(NOTIFY_KEY);
    this.notify = false;
  }

  /** Shows a notification for a failed run when the user opted in. */
  notifyFailure(run: FailedRun): void {
    if (!this.notify || notificationPermission() !== 'granted') return;
    new Notification(`Decant: ${run.kind} ${run.name} ${run.state}`, {
      body: `The ${run.kind} "${run.name}" ended ${run.state}. Open Runs for why.`,
      tag: `decant-${run.kind}-${run.name}`,
    });
  }
}

function readSetting(): boolean {
  try {
    return localStorage.getItem(NOTIFY_KEY) === 'on';
  } catch {
    return false;
  }
}

function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}
