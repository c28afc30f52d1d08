// Deterministic synthetic daily weather for four cities, Jan–Mar 2024 (see README.md).
import { mkdirSync, writeFileSync } from 'node:fs';

// Writes public/samples/ (run from the repository root: node scripts/sample-data.mjs).
process.chdir(new URL('../public/samples/', import.meta.url).pathname);
const cities = [
  // id, name, country, lat, lon, mean Jan max, mean Jan min, seasonal warming per month, wet-day chance
  [1, 'Lisbon', 'Portugal', 38.72, -9.14, 14.8, 8.3, 1.6, 0.45],
  [2, 'Oslo', 'Norway', 59.91, 10.75, -1.0, -7.0, 2.4, 0.5],
  [3, 'Cairo', 'Egypt', 30.04, 31.24, 19.1, 9.7, 1.9, 0.08],
  [4, 'Toronto', 'Canada', 43.65, -79.38, -0.7, -8.5, 2.2, 0.42],
];
let seed = 20240101;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const r1 = (x) => Math.round(x * 10) / 10;
mkdirSync('cities', { recursive: true });
writeFileSync(
  'cities/cities.csv',
  'city_id,city,country,latitude,longitude\n' +
    cities.map((c) => c.slice(0, 5).join(',')).join('\n') +
    '\n',
);
const files = ['cities/cities.csv'];
for (const month of [1, 2, 3]) {
  const days = new Date(Date.UTC(2024, month, 0)).getUTCDate();
  const lines = ['date,city_id,temp_max,temp_min,precipitation_mm,wind_kmh'];
  for (let d = 1; d <= days; d++) {
    const date = `2024-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    for (const [id, , , , , max, min, warm, wet] of cities) {
      const t = (month - 1 + d / days) * warm;
      const swing = (rand() - 0.5) * 6;
      const hi = r1(max + t + swing);
      const lo = r1(Math.min(hi - 1, min + t + swing * 0.7 + (rand() - 0.5) * 2));
      const rain = rand() < wet ? r1(rand() * rand() * 25 + 0.2) : 0;
      const wind = r1(8 + rand() * 22);
      lines.push([date, id, hi, lo, rain, wind].join(','));
    }
  }
  const path = `weather/year=2024/month=${String(month).padStart(2, '0')}/weather.csv`;
  mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
  writeFileSync(path, lines.join('\n') + '\n');
  files.push(path);
}
writeFileSync(
  'manifest.json',
  JSON.stringify(
    { name: 'samples', title: 'Daily weather, four cities, Jan–Mar 2024 (synthetic)', files },
    null,
    2,
  ) + '\n',
);
