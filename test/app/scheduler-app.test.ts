import { describe, expect, it } from 'vitest';
import { listObjects } from '../../src/scheduler/event-sources';
import {
  argumentsFromText,
  argumentsText,
  previewSchedule,
} from '../../src/scheduler/trigger-form';
import { clockFromSearch, wallClock } from '../../src/app/scheduler-clock';
import { applyPoll, emptyWatchState } from '../../src/scheduler';

const page = (keys: [string, number][], next?: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>lake</Name><Prefix>landing/</Prefix>` +
  keys
    .map(
      ([k, size]) =>
        `<Contents><Key>${k}</Key><LastModified>2026-01-02T03:04:05.000Z</LastModified><Size>${size}</Size></Contents>`,
    )
    .join('') +
  (next
    ? `<IsTruncated>true</IsTruncated><NextContinuationToken>${next}</NextContinuationToken>`
    : '') +
  `</ListBucketResult>`;

function fakeFetch(answers: Record<string, Response | (() => Response)>, asked: string[]) {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    const a = answers[url];
    if (!a) throw new TypeError('Failed to fetch');
    return typeof a === 'function' ? a() : a.clone();
  }) as typeof fetch;
}

const SIGNED =
  'https://lake.s3.amazonaws.com/?list-type=2&prefix=landing%2F&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  '&X-Amz-Credential=AKIA%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z' +
  '&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=secretsig';

describe('listObjects (EVENT triggers on a ListObjectsV2 URL)', () => {
  it('lists keys under the prefix with sizes and times, leaving out folder markers', async () => {
    const asked: string[] = [];
    const files = await listObjects('t', SIGNED, {
      now: () => Date.parse('2026-01-01T00:10:00Z'),
      fetch: fakeFetch(
        {
          [SIGNED]: new Response(
            page([
              ['landing/', 0],
              ['landing/a.csv', 5],
              ['landing/x/b.csv', 7],
            ]),
          ),
        },
        asked,
      ),
    });
    expect(files).toEqual([
      { path: 'a.csv', size: 5, lastModified: Date.parse('2026-01-02T03:04:05Z') },
      { path: 'x/b.csv', size: 7, lastModified: Date.parse('2026-01-02T03:04:05Z') },
    ]);
    expect(asked).toEqual([SIGNED]);
  });

  it('refuses an expired presigned listing before any request, without its signature in the message', async () => {
    const asked: string[] = [];
    const run = listObjects('nightly', SIGNED, {
      now: () => Date.parse('2026-01-01T02:00:00Z'),
      fetch: fakeFetch({}, asked),
    });
    await expect(run).rejects.toThrow(/^trigger "nightly": .*expired at 2026-01-01 01:00:00/);
    await expect(run).rejects.not.toThrow(/secretsig/);
    expect(asked).toEqual([]);
  });

  it('says what S3 answered, and when nothing answered, that CORS may be why', async () => {
    const denied = new Response(
      '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
      { status: 403 },
    );
    const opts = { now: () => Date.parse('2026-01-01T00:10:00Z') };
    await expect(
      listObjects('t', SIGNED, { ...opts, fetch: fakeFetch({ [SIGNED]: denied }, []) }),
    ).rejects.toThrow(/AccessDenied/);
    const err = await listObjects('t', SIGNED, { ...opts, fetch: fakeFetch({}, []) }).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toMatch(
      /^trigger "t": https:\/\/lake\.s3\.amazonaws\.com\/: no answer .*CORS/,
    );
    expect((err as Error).message).not.toContain('X-Amz');
  });

  it('follows continuation tokens of an unsigned listing', async () => {
    const base = 'https://lake.s3.amazonaws.com/?list-type=2&prefix=landing%2F';
    const second = `${base}&continuation-token=tok`;
    const files = await listObjects('t', base, {
      fetch: fakeFetch(
        {
          [base]: new Response(page([['landing/a.csv', 1]], 'tok')),
          [second]: new Response(page([['landing/b.csv', 2]])),
        },
        [],
      ),
    });
    expect(files.map((f) => f.path)).toEqual(['a.csv', 'b.csv']);
  });

  it('feeds the event batching: a key that appears after the baseline is one event', async () => {
    const at = Date.parse('2026-01-01T00:10:00Z');
    const listing = (keys: [string, number][]) =>
      listObjects('t', SIGNED, {
        now: () => at,
        fetch: fakeFetch({ [SIGNED]: new Response(page(keys)) }, []),
      });
    const batching = { batchSize: 1, windowSeconds: 60 };
    const first = applyPoll(emptyWatchState(), await listing([['landing/a.csv', 5]]), at, batching);
    expect(first.batches).toEqual([]);
    const next = applyPoll(
      first.state,
      await listing([
        ['landing/a.csv', 5],
        ['landing/n.csv', 9],
      ]),
      at + 1,
      batching,
    );
    expect(next.batches.map((b) => b.files.map((f) => [f.path, f.change]))).toEqual([
      [['n.csv', 'new']],
    ]);
  });
});

describe('the trigger form', () => {
  it('reads arguments as the Jobs area does (--name value), naming the column of what does not fit', () => {
    expect(argumentsFromText('--day 2026-01-01\n\n--region eu-west-1\n --x 1 ')).toEqual({
      day: '2026-01-01',
      region: 'eu-west-1',
      x: '1',
    });
    expect(() => argumentsFromText('--ok 1\njust words')).toThrow(
      'job: arguments: expected --name at column 8, found "just"',
    );
    // The old form's `key=value` lines are refused with where, not misread.
    expect(() => argumentsFromText('day=2026-01-01')).toThrow(/column 1/);
  });

  it("shows a trigger saved from key=value lines in the jobs' grammar, and reads it back the same", () => {
    const saved = { day: '2026-01-01', note: 'two words', empty: '' };
    const text = argumentsText(saved);
    expect(text).toBe('--day 2026-01-01 --note "two words" --empty ""');
    expect(argumentsFromText(text)).toEqual(saved);
  });

  it('previews the next five times, or the error at its character', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    const p = previewSchedule('cron(15 12 * * ? *)', 'UTC', now);
    expect(p).toEqual({
      kind: 'times',
      times: [1, 2, 3, 4, 5].map((d) => Date.parse(`2026-03-0${d}T12:15:00Z`)),
    });
    const bad = previewSchedule('cron(0 25 * * ? *)', 'UTC', now);
    expect(bad).toMatchObject({ kind: 'error', field: 'schedule', position: 8 });
    expect(previewSchedule('0 12 * * *', 'Mars/Olympus', now)).toMatchObject({
      kind: 'error',
      field: 'timeZone',
    });
  });
});

describe('the scheduler clock', () => {
  it('is the wall clock unless the address carries the test hook', () => {
    expect(clockFromSearch('')).toBe(wallClock);
    expect(clockFromSearch('?clock=abc')).toBe(wallClock);
    expect(clockFromSearch('?q=1')).toBe(wallClock);
  });

  it('runs faster from its anchor, the same for every tab, and maps wall times to its own', () => {
    const anchor = Date.now() - 1000;
    const clock = clockFromSearch(`?clock=${anchor}x60`);
    expect(clock.accelerated).toBe(true);
    expect(clock.fromWall(anchor + 1000)).toBe(anchor + 60_000);
    expect(clock.now()).toBeGreaterThanOrEqual(anchor + 60_000);
  });
});
