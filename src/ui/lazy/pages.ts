import type { ScheduleState } from '../../app/schedule.svelte';
import { LazyComponent } from './lazy-component.svelte';

/**
 * The areas that are not the first screen, each its own chunk: the job canvas (@xyflow, dagre),
 * the profile and run charts (uPlot), the SQL editor (CodeMirror) and the package viewer load when
 * their area is first opened. The service worker precaches every chunk, so they open offline too.
 * test/e2e/lazy-pages.test.ts fails when one of them is pulled back into the start path.
 */
export const catalogPage = new LazyComponent<Record<string, never>>(
  'the Catalog',
  () => import('../catalog/CatalogView.svelte'),
);
export const crawlPage = new LazyComponent<Record<string, never>>(
  'the Crawlers page',
  () => import('../crawl/CrawlView.svelte'),
);
export const queryPage = new LazyComponent<{ tables?: { database: string; name: string }[] }>(
  'the Query page',
  () => import('../query/QueryView.svelte'),
);
export const jobsPage = new LazyComponent<Record<string, never>>(
  'the Jobs page',
  () => import('../jobs/JobsView.svelte'),
);
export const schedulePage = new LazyComponent<{ sched: ScheduleState }>(
  'the Schedule page',
  () => import('../schedule/ScheduleView.svelte'),
);
export const workflowPage = new LazyComponent<{ sched: ScheduleState; name: string }>(
  'the workflow',
  () => import('../schedule/WorkflowView.svelte'),
);
export const runsPage = new LazyComponent<{ sched: ScheduleState }>(
  'the Runs page',
  () => import('../runs/RunsView.svelte'),
);
export const packagePage = new LazyComponent<Record<string, never>>(
  'the package',
  () => import('../share/PackageView.svelte'),
);
