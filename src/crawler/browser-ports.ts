/**
 * The crawl's ports in the browser: kept copies in OPFS, saved sources listed through their
 * handles, OPFS copies and URLs. The catalog is asked for when used (it opens after the page).
 */
import { copyToOpfs, removeFromOpfs } from '../platform/opfs';
import { listSources, type S3CredentialsNow } from './crawl-sources';
import type { CrawlCatalog, CrawlEngine, CrawlPorts } from './run-crawl';

export function browserCrawlPorts(
  engine: CrawlEngine,
  catalog: () => CrawlCatalog,
  s3Credentials?: S3CredentialsNow,
): CrawlPorts {
  return {
    engine,
    get catalog() {
      return catalog();
    },
    copies: { copy: copyToOpfs, remove: removeFromOpfs },
    list: (sources) => listSources(sources, s3Credentials),
  };
}
