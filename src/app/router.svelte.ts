import { hashFromRoute, routeFromHash, type Route } from './routes';

export { hashFromRoute, routeFromHash, type Route };

/** Current route, following the address bar. */
export class Router {
  route = $state<Route>(routeFromHash(location.hash));

  constructor() {
    addEventListener('hashchange', () => (this.route = routeFromHash(location.hash)));
  }

  go(r: Route): void {
    location.hash = hashFromRoute(r);
  }
}

export const router = new Router();
