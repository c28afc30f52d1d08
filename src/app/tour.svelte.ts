/**
 * The "Try it with sample data" walkthrough: copies the bundled sample files into the browser's
 * storage, then guides through the real app — crawl them, see the tables, open a prepared job,
 * run it, see how to schedule it. Each step advances when the user has done it (tour-steps.ts
 * says when) or with Next; it can be closed and reopened at any time. It drives the page's own
 * state classes; nothing is faked.
 */
import { createContext } from 'svelte';
import type { DecantError } from '../core/errors';
import type { CatalogState } from './catalog.svelte';
import type { JobsState } from './jobs.svelte';
import type { Router } from './router.svelte';
import { loadSampleData, samplesBase, type SampleManifest } from './sample-data';
import {
  SAMPLE_JOB,
  sampleJob,
  stepDone,
  stepTargets,
  TOUR_STEPS,
  weatherTableOf,
  type TourSnapshot,
  type TourStepId,
} from './tour-steps';

export { SAMPLE_JOB, TOUR_STEPS, type TourStepId };

export type TourPhase =
  { kind: 'welcome' } | { kind: 'loading' } | { kind: 'step'; index: number } | { kind: 'done' };

export class TourState {
  /** Whether the tour's panel is shown. */
  open = $state(false);
  phase = $state.raw<TourPhase>({ kind: 'welcome' });
  error = $state.raw<Error | null>(null);
  /** The samples copied into the browser this session, once they are. */
  manifest = $state.raw<SampleManifest | null>(null);
  /**
   * The folder kept in the browser that the Crawlers page should pre-select, until it has
   * (takeFolder); set when the samples are loaded.
   */
  pendingFolder = $state<string | null>(null);
  private readonly deps: { router: Router; catalog: CatalogState; jobs: JobsState };
  private preparing: Promise<void> | null = null;

  constructor(deps: { router: Router; catalog: CatalogState; jobs: JobsState }) {
    this.deps = deps;
  }

  /** What the steps look at, read reactively. */
  get snapshot(): TourSnapshot {
    return {
      route: this.deps.router.route,
      tables: this.deps.catalog.tables,
      sampleRunStates: [...this.deps.jobs.live.values()]
        .filter((r) => r.job === SAMPLE_JOB)
        .map((r) => r.state),
    };
  }

  get step(): TourStepId | null {
    return this.phase.kind === 'step' ? TOUR_STEPS[this.phase.index]! : null;
  }

  /** Selectors of the control the current step points at, first found wins. */
  get targets(): string[] {
    if (!this.open) return [];
    const step = this.step;
    if (step) return stepTargets(step, this.snapshot);
    // Done: the last word is how to schedule the job, so point at the way to start.
    return this.phase.kind === 'done' && this.deps.router.route.area === 'schedule'
      ? ['[data-testid="new-trigger"]']
      : [];
  }

  /**
   * Copies the sample files into the browser's storage and starts at the first step on the
   * Crawlers page, the samples' folder pre-selected. Errors stay in `error`; never throws.
   */
  async start(baseUri = document.baseURI): Promise<void> {
    this.open = true;
    this.error = null;
    this.phase = { kind: 'loading' };
    try {
      const manifest = await loadSampleData(samplesBase(baseUri));
      this.manifest = manifest;
      this.pendingFolder = manifest.name;
      this.phase = { kind: 'step', index: 0 };
      this.deps.router.go({ area: 'crawl' });
    } catch (e) {
      this.error = e as DecantError;
      this.phase = { kind: 'welcome' };
    }
  }

  /** The folder to pre-select on the Crawlers page, handed over once. */
  takeFolder(): string | null {
    const f = this.pendingFolder;
    this.pendingFolder = null;
    return f;
  }

  /** Moves past every step the user has done; called whenever what the steps read changes. */
  advanceIfDone(): void {
    let p = this.phase;
    while (p.kind === 'step' && stepDone(TOUR_STEPS[p.index]!, this.snapshot))
      p = p.index + 1 < TOUR_STEPS.length ? { kind: 'step', index: p.index + 1 } : { kind: 'done' };
    if (p !== this.phase) this.enter(p);
  }

  next(): void {
    const p = this.phase;
    if (p.kind !== 'step') return;
    this.enter(
      p.index + 1 < TOUR_STEPS.length ? { kind: 'step', index: p.index + 1 } : { kind: 'done' },
    );
  }

  back(): void {
    const p = this.phase;
    if (p.kind === 'step' && p.index > 0) this.enter({ kind: 'step', index: p.index - 1 });
    else if (p.kind === 'done') this.enter({ kind: 'step', index: TOUR_STEPS.length - 1 });
  }

  close(): void {
    this.open = false;
  }

  /** The Tour button: shows the panel where it was left (or its welcome, before the samples). */
  toggle(): void {
    this.open = !this.open;
  }

  private enter(p: TourPhase): void {
    this.phase = p;
    this.error = null;
    // The prepared job exists before the step that opens it.
    if (p.kind === 'step' && TOUR_STEPS[p.index] === 'job') void this.prepareJob();
  }

  /**
   * Saves the prepared job over the crawled weather table, unless a job of that name is saved
   * already (the user's edits are kept). An error (no table crawled yet) stays in `error`.
   */
  prepareJob(): Promise<void> {
    this.preparing ??= (async () => {
      try {
        await this.deps.jobs.load();
        if (this.deps.jobs.get(SAMPLE_JOB)) return;
        const weather = weatherTableOf(this.deps.catalog.tables);
        if (!weather) {
          this.error = new Error(
            'tour: the sample weather table is not in the catalog yet — go back and crawl the samples first',
          );
          return;
        }
        await this.deps.jobs.save(sampleJob(weather), 'prepared by the tour');
      } catch (e) {
        this.error = e as Error;
      } finally {
        this.preparing = null;
      }
    })();
    return this.preparing;
  }
}

const [getTour, setTour, hasTour] = createContext<TourState>();

/** Called once, by the root component, with the tour it made. */
export const provideTour = (tour: TourState): TourState => setTour(tour);
export const useTour = (): TourState => getTour();
/** The tour, or null where no root provided one (a component mounted on its own). */
export const useTourIfAny = (): TourState | null => (hasTour() ? getTour() : null);
