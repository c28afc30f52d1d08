/** The app's places; the hash keeps them bookmarkable and working on any static host. */
export type Route =
  | { area: 'convert' }
  | { area: 'catalog'; database?: string; table?: string }
  /** `#/crawl`, `#/crawl/<saved crawler>` (that crawler open, with its runs). */
  | { area: 'crawl'; crawler?: string }
  | { area: 'query' }
  /**
   * `#/jobs`, `#/jobs/<job>`, `#/jobs/<job>/runs/<run id>`; `#recipe=<data>`: a recipe link
   * (src/jobs/recipes), opened as a new job.
   */
  | { area: 'jobs'; job?: string; run?: string; recipe?: string }
  /** `#/schedule`: triggers and workflows; `#/schedule/workflows/<name>`. */
  | { area: 'schedule'; workflow?: string }
  /** `#/runs`: every run of jobs, crawlers and workflows. */
  | { area: 'runs' }
  /** `#/package`: a received package open; `#package=<…>`: a share link's package. */
  | { area: 'package'; link?: string };

/** A route read from the address bar, and what to tell the user about the link, if anything. */
export interface HashRoute {
  route: Route;
  /** Set when the link could not be read (the app then opens on its home area). */
  notice?: string;
}

/**
 * `#/catalog/sales%20db/orders` → route. Unknown hashes land on Quick convert, and so do
 * malformed ones (a broken `%` escape such as `#/jobs/%`), with a notice instead of a throw.
 */
export function routeFromHash(hash: string): Route {
  return readHash(hash).route;
}

/** The route of `hash` and, for a malformed link, a notice saying so. Never throws. */
export function readHash(hash: string): HashRoute {
  // A share link's fragment is the package itself, not a path.
  if (/^#package=/.test(hash)) return { route: { area: 'package', link: hash.slice(1) } };
  // A recipe link's data is base64url: no `/` or `%` to split or decode.
  const recipe = /^#recipe=(.*)$/s.exec(hash);
  if (recipe) return { route: { area: 'jobs', recipe: recipe[1]! } };
  const raw = hash.replace(/^#\/?/, '').split('/');
  let parts: string[];
  try {
    parts = raw.map(decodeURIComponent);
  } catch {
    return {
      route: { area: 'convert' },
      notice: `The link ${JSON.stringify(hash)} is malformed (a broken %-escape), so Decant opened on its home page.`,
    };
  }
  return { route: routeFromParts(parts) };
}

function routeFromParts(parts: string[]): Route {
  switch (parts[0]) {
    case 'catalog':
      return { area: 'catalog', database: parts[1] || undefined, table: parts[2] || undefined };
    case 'query':
      return { area: 'query' };
    case 'crawl':
      return { area: 'crawl', crawler: parts[1] || undefined };
    case 'jobs':
      return {
        area: 'jobs',
        job: parts[1] || undefined,
        run: parts[2] === 'runs' ? parts[3] || undefined : undefined,
      };
    case 'schedule':
      return { area: 'schedule', workflow: parts[1] === 'workflows' ? parts[2] : undefined };
    case 'runs':
      return { area: 'runs' };
    case 'package':
      return { area: 'package' };
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
  const enc = encodeURIComponent;
  if (r.area === 'jobs' && r.recipe !== undefined) return `#recipe=${r.recipe}`;
  if (r.area === 'jobs')
    return r.job === undefined
      ? '#/jobs'
      : `#/jobs/${enc(r.job)}${r.run === undefined ? '' : `/runs/${enc(r.run)}`}`;
  if (r.area === 'crawl') return r.crawler === undefined ? '#/crawl' : `#/crawl/${enc(r.crawler)}`;
  if (r.area === 'package') return r.link ? `#${r.link}` : '#/package';
  if (r.area === 'schedule')
    return r.workflow === undefined ? '#/schedule' : `#/schedule/workflows/${enc(r.workflow)}`;
  return `#/${r.area}`;
}
