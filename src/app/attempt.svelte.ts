/**
 * Runs a user action and keeps its failure message for display, so a view shows the store's
 * precise error (e.g. `catalog: database "x" already exists`) instead of losing it.
 */
export class Attempt {
  problem = $state('');
  busy = $state(false);

  /** Resolves true on success; never throws. */
  run = async (action: () => Promise<unknown>): Promise<boolean> => {
    this.problem = '';
    this.busy = true;
    try {
      await action();
      return true;
    } catch (e) {
      this.problem = e instanceof Error ? e.message : String(e);
      return false;
    } finally {
      this.busy = false;
    }
  };
}
