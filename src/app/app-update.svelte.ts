import type { EngineWork } from './engine-work.svelte';

/**
 * A new version of the app, installed and waiting: the banner offers it, and it is taken when
 * the user reloads with no work running in this tab, so a conversion, crawl or job is never cut
 * short by the switch.
 */
export class AppUpdateState {
  /** Switches to the waiting version and reloads; null while there is none. */
  private activate = $state.raw<(() => void) | null>(null);
  readonly available = $derived(this.activate !== null);
  private readonly work: EngineWork;
  /** Reloading now would cut short the work that runs. */
  get held(): boolean {
    return this.work.busy;
  }

  constructor(work: EngineWork) {
    this.work = work;
  }

  /** Called by the service worker module when a new version waits. */
  offer(activate: () => void): void {
    this.activate = activate;
  }

  /** Reloads into the new version; does nothing while work runs (the banner says so). */
  reload(): void {
    if (this.activate && !this.work.busy) this.activate();
  }
}
