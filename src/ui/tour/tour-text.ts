import type { TourStepId } from '../../app/tour.svelte';

/** What each step of the tour says: a title and what to do, in plain words. */
export const TOUR_TEXT: Record<TourStepId, { title: string; body: string }> = {
  crawl: {
    title: 'Crawl the sample folder',
    body: 'The sample files — daily weather for four cities in folders year=2024/month=01…03, and a cities lookup — are now in this browser’s storage, and the Crawlers page has their folder selected. Press “Run crawler” to see the plan, then write the tables to the catalog.',
  },
  catalog: {
    title: 'See the tables in the Catalog',
    body: 'The crawler made one table per dataset: the weather table has year and month as partition keys, one partition per folder. Open the Catalog and click the weather table to see its columns, partitions and data.',
  },
  job: {
    title: 'Open the prepared job',
    body: 'A job reads tables, transforms them and writes the result. The tour saved one for you: keep the rainy days, count them and sum the rain per city and month, and write Parquet. Open Jobs and click “rainy days”.',
  },
  run: {
    title: 'Run it',
    body: 'Each node shows its output schema; the Script tab has the SQL it compiles to. Press “Run” and watch the job run until it says SUCCEEDED: the Parquet is kept in this browser and registered in the catalog as rainy_days.',
  },
  schedule: {
    title: 'Schedule it',
    body: 'Triggers start jobs and crawlers for you: on a schedule, after other runs, or when new files arrive. Open Schedule to see how.',
  },
};

export const TOUR_DONE = {
  title: 'Schedule it, and you are done',
  body: 'Press “New trigger”, keep the kind “Scheduled”, write when (e.g. cron(0 6 * * ? *) for 06:00 every day) and pick the job “rainy days”. Schedules fire while a Decant tab is open. The result is the table rainy_days: query it any time in Query.',
};
