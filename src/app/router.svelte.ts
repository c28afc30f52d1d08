import { hashFromRoute, readHash, routeFromHash, type Route } from './routes';

export { hashFromRoute, routeFromHash, type Route };

/**
 * The current route, following the address bar. Made once at boot (src/app/boot.ts) and read
 * through `useRouter()`. A malformed link opens the home area with `notice` set, never a throw.
 */
export class Router {
  route = $state.raw<Route>({ area: 'convert' });
  /** What to tell the user about the link followed last (a malformed one), or ''. */
  notice = $state('');

  constructor() {
    this.#follow();
    addEventListener('hashchange', () => this.#follow());
  }

  go(r: Route): void {
    location.hash = hashFromRoute(r);
  }

  /** Goes to `r` in place of the current entry: Back does not return to it (an opened recipe link). */
  replace(r: Route): void {
    history.replaceState(history.state, '', hashFromRoute(r));
    this.#follow();
  }

  dismissNotice(): void {
    this.notice = '';
  }

  #follow(): void {
    const { route, notice } = readHash(location.hash);
    this.route = route;
    this.notice = notice ?? '';
  }
}
