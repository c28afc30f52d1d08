import type { CatalogColumn } from '../../src/catalog';
import type { ShareSource } from '../../src/share/share-rules';
import { recipeFromJob, type Recipe } from '../../src/jobs';
import { chain, node, source, SALES_COLUMNS, SALES_KEYS } from '../jobs/job-support';

export const col = (name: string, type: string, comment = ''): CatalogColumn => ({
  name,
  type,
  comment,
});

/** `hr.people`: every withheld column holds values marked SENTINEL, to search the output for. */
export const PEOPLE: ShareSource = {
  database: 'hr',
  name: 'people',
  columns: [
    col('id', 'BIGINT', 'employee number'),
    col('name', 'VARCHAR'),
    col('email', 'VARCHAR'),
    col('ssn', 'VARCHAR', 'social security number'),
    col('phone', 'VARCHAR'),
    col('x"; DROP', 'VARCHAR'),
    col('region', 'VARCHAR'),
    col('amount', 'DOUBLE'),
  ],
  partitionKeys: [],
};

export const PEOPLE_CSV = [
  'id,name,email,ssn,phone,"x""; DROP",region,amount',
  '1,Ada,ada@example.org,SENTINEL-SSN-1,SENTINEL-PHONE-1,SENTINEL-X-1,north,10.5',
  '2,Bo,bo@example.org,SENTINEL-SSN-2,SENTINEL-PHONE-2,SENTINEL-X-2,south,20',
  '3,Cy,ada@example.org,SENTINEL-SSN-3,SENTINEL-PHONE-3,SENTINEL-X-3,north,30',
  '4,Di,di@example.org,SENTINEL-SSN-4,SENTINEL-PHONE-4,SENTINEL-X-4,north,40',
  '',
].join('\n');

/** The `sales` fixture folder (`year=…/month=…/`), attached as `shop.sales`. */
export const SALES: ShareSource = {
  database: 'shop',
  name: 'sales',
  columns: SALES_COLUMNS.map((c) => col(c.name, c.type)),
  partitionKeys: SALES_KEYS.map((c) => col(c.name, c.type)),
};

/** The recipe of a job reading `shop.sales`, keeping prices over 2, writing the result. */
export const SALES_RECIPE: Recipe = recipeFromJob(
  chain(
    [
      source('src', 'shop', 'sales'),
      node(
        'filter',
        'price > 2',
        {
          filter: {
            combine: 'AND',
            clauses: [{ column: 'price', op: 'GT', value: { kind: 'constant', value: '2' } }],
          },
        },
        'price > 2',
      ),
    ],
    { name: 'daily sales' },
  ),
  () => [...SALES_COLUMNS, ...SALES_KEYS],
);
