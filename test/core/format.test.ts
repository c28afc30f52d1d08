import { afterEach, describe, expect, it } from 'vitest';
import {
  formatBytesApart,
  formatDateTime,
  formatTimeOfDay,
  localTimeZone,
  messageParts,
  timeTickLabels,
  WIDEST_TIME_TICK,
} from '../../src/core/format';

describe('formatDateTime', () => {
  const tz = process.env.TZ;
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });
  const t = Date.UTC(2026, 11, 2, 18, 7, 5);

  it('shows the local time zone without naming it, as one format', () => {
    process.env.TZ = 'Europe/Berlin';
    expect(localTimeZone()).toBe('Europe/Berlin');
    expect(formatDateTime(t)).toBe('2 Dec 2026, 19:07:05');
  });

  it('names any other zone after the time', () => {
    process.env.TZ = 'Europe/Berlin';
    expect(formatDateTime(t, 'UTC')).toBe('2 Dec 2026, 18:07:05 UTC');
    expect(formatDateTime(t, 'Europe/Berlin')).toBe('2 Dec 2026, 19:07:05');
  });

  it('uses 24-hour times and says — for no time', () => {
    process.env.TZ = 'UTC';
    expect(formatDateTime(Date.UTC(2026, 0, 9, 0, 0, 0))).toBe('9 Jan 2026, 00:00:00');
    expect(formatDateTime(Number.NaN)).toBe('—');
  });

  it('gives the time of day alone in the same format, for log lines', () => {
    process.env.TZ = 'Europe/Berlin';
    expect(formatTimeOfDay(t)).toBe('19:07:05');
  });
});

describe('messageParts', () => {
  it('turns the leading domain into a word and keeps the rest', () => {
    expect(messageParts('csv: "empty.csv" is empty')).toEqual({
      label: 'CSV',
      text: '"empty.csv" is empty',
    });
    expect(messageParts('sql: line 2: syntax error')).toEqual({
      label: 'SQL',
      text: 'line 2: syntax error',
    });
    expect(messageParts('data-quality: rule 3 failed')).toEqual({
      label: 'Data quality',
      text: 'rule 3 failed',
    });
  });

  it('leaves a message without a domain as it is', () => {
    expect(messageParts('The tab was closed')).toEqual({ label: '', text: 'The tab was closed' });
    expect(messageParts('Error: boom')).toEqual({ label: '', text: 'Error: boom' });
    // A table or file name before the colon is not a domain.
    expect(messageParts('sales: added column note VARCHAR')).toEqual({
      label: '',
      text: 'sales: added column note VARCHAR',
    });
    expect(messageParts('constructor: x')).toEqual({ label: '', text: 'constructor: x' });
  });
});

describe('timeTickLabels', () => {
  const tz = process.env.TZ;
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });
  const H = 3_600_000;
  const t0 = Date.UTC(2026, 11, 1, 20, 0, 0);

  it('names the day on the first tick and where it changes, the time elsewhere', () => {
    process.env.TZ = 'UTC';
    const splits = [0, 2, 4, 6].map((i) => t0 + i * H);
    expect(timeTickLabels(splits, 2 * H)).toEqual(['1 Dec 20:00', '22:00', '2 Dec 00:00', '02:00']);
  });

  it('shows days for daily ticks, months for monthly ones, seconds for short spans', () => {
    process.env.TZ = 'UTC';
    expect(timeTickLabels([t0, t0 + 24 * H], 24 * H)).toEqual(['1 Dec', '2 Dec']);
    expect(timeTickLabels([t0], 30 * 24 * H)).toEqual(['Dec 2026']);
    expect(timeTickLabels([t0, t0 + 10_000], 10_000)).toEqual(['1 Dec 20:00:00', '20:00:10']);
  });

  it('never makes a label longer than the widest one the chart spaces its ticks for', () => {
    process.env.TZ = 'UTC';
    const sept = Date.UTC(2026, 8, 28, 23, 59, 59);
    for (const incr of [1000, 60_000, H, 24 * H, 40 * 24 * H])
      for (const label of timeTickLabels([sept, sept + incr], incr))
        expect(label.length).toBeLessThanOrEqual(WIDEST_TIME_TICK.length);
  });
});

describe('formatBytesApart', () => {
  it('rounds as formatBytes where the two sizes read differently', () => {
    expect(formatBytesApart(6_100_000_000, 1_000_000_000)).toEqual(['6.1 GB', '1.0 GB']);
    expect(formatBytesApart(999, 1000)).toEqual(['999 B', '1.0 kB']);
  });

  it('gives bytes where rounding would make a larger size read the same as the limit', () => {
    expect(formatBytesApart(1_000_000_001, 1_000_000_000)).toEqual([
      '1,000,000,001 bytes',
      '1,000,000,000 bytes',
    ]);
  });

  it('keeps equal sizes short', () => {
    expect(formatBytesApart(1000, 1000)).toEqual(['1.0 kB', '1.0 kB']);
  });
});
