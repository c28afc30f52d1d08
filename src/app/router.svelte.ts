/** The app's places; the hash keeps them bookmarkable and working on any static host. */
export type Route =
  | { area: 'convert' }
  | { area: 'catalog'; database?: string; table?: string }
  | { area: 'crawl' }
  | { area: 'query' };

/** `#/catalog/sales%20db/orders` → route. Unknown hashes land on Quick convert. */
export function routeFromHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'catalog':
      return { area: 'catalog', database: parts[1] || undefined, table: parts[2] || undefined };
    case 'query':
      return { area: 'query' };
    case 'crawl':
      return { area: 'crawl' };
    default:
      return { area: 'convert' };
  }
}

export function hashFromRoute(r: Route): string {
  if (r.area === 'catalog')
    return ['#/catalog', r.database, r.table]
      .filter((p) => p !== undefined)
      .map((p, i) => (i === 0 ? p : encodeURIComponent(p!)))
      .join('/');
  return `#/${r.area}`;
}

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
