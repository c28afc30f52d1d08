/** One run as the Runs page lists it, and where each kind of run is shown in full. */
import { UNSAVED } from '../crawler';
import { hashFromRoute } from './routes';

export interface RunRow {
  kind: 'crawler' | 'job' | 'workflow';
  id: string;
  name: string;
  state: string;
  startedAt: number;
  /** Undefined while it runs. */
  endedAt?: number;
  /** Work time when it differs from endedAt − startedAt (a crawl's plan waiting for Commit). */
  activeMs?: number;
  error?: string;
  /** Where the run is shown in full: the job run, the crawler's runs, the workflow. */
  href: string;
}

/** The run's own page: a job run's, the saved crawler's (its runs), the workflow's. */
export function runHref(kind: RunRow['kind'], name: string, id: string): string {
  if (kind === 'job') return hashFromRoute({ area: 'jobs', job: name, run: id });
  if (kind === 'workflow') return hashFromRoute({ area: 'schedule', workflow: name });
  // A crawl that was never saved has no page of its own: the Crawlers page lists its runs.
  return hashFromRoute(name === UNSAVED ? { area: 'crawl' } : { area: 'crawl', crawler: name });
}

/** How long a run took, in ms, or undefined while it runs. */
export function runDuration(r: RunRow): number | undefined {
  return r.endedAt === undefined ? undefined : (r.activeMs ?? r.endedAt - r.startedAt);
}
