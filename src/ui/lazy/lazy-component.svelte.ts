import type { Component } from 'svelte';

/**
 * A page component fetched on first use: its chunk (with the libraries only it needs, such as
 * the job canvas or the charts) is neither loaded nor evaluated at app start. Loaded once, then
 * kept; a failed load (offline before the page was ever cached) can be tried again.
 */
export class LazyComponent<Props extends Record<string, unknown>> {
  /** The component once loaded, else null. */
  component = $state.raw<Component<Props> | null>(null);
  /** Why the last load failed, or ''. */
  error = $state('');
  #loading: Promise<void> | null = null;

  /** `label` names the page in the loading and error messages ("the Jobs page"). */
  constructor(
    readonly label: string,
    private readonly importer: () => Promise<{ default: Component<Props> }>,
  ) {}

  /** Starts the load unless it is loaded or under way; never rejects (see `error`). */
  load(): Promise<void> {
    this.#loading ??= this.importer().then(
      (m) => {
        this.error = '';
        this.component = m.default;
      },
      (e: unknown) => {
        this.#loading = null;
        this.error = `Decant could not load ${this.label} (${e instanceof Error ? e.message : String(e)}). Check the connection and try again.`;
      },
    );
    return this.#loading;
  }
}
