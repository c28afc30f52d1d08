import { afterEach, describe, expect, it } from 'vitest';
import { formatDateTime, localTimeZone, messageParts } from '../../src/core/format';

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
  });
});
