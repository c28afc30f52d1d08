import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyPoll,
  batchDeadline,
  checkBatching,
  dueBatches,
  emptyWatchState,
  type EventWatchState,
} from '../../src/scheduler/event-batching';
import type { ListedFile } from '../../src/scheduler/model';
import { decantErrorFrom } from '../support/decant-error';

const T0 = Date.parse('2025-03-01T10:00:00Z');
const file = (path: string, size = 10, lastModified = T0): ListedFile => ({
  path,
  size,
  lastModified,
});

describe('applyPoll', () => {
  it('takes the first listing as the baseline: existing files are not events', () => {
    const first = applyPoll(emptyWatchState(), [file('a.csv'), file('b.csv')], T0, {
      batchSize: 1,
      windowSeconds: 900,
    });
    expect(first.events).toEqual([]);
    expect(first.batches).toEqual([]);
    expect(Object.keys(first.state.seen!)).toEqual(['a.csv', 'b.csv']);
  });

  it('finds new and changed files; a removed file is not an event', () => {
    const batching = { batchSize: 10, windowSeconds: 900 };
    let state = applyPoll(
      emptyWatchState(),
      [file('a.csv'), file('b.csv'), file('c.csv')],
      T0,
      batching,
    ).state;
    const polled = applyPoll(
      state,
      [file('a.csv'), file('b.csv', 20, T0 + 5), file('d.csv', 5, T0 + 7)],
      T0 + 60_000,
      batching,
    );
    expect(polled.events.map((e) => [e.path, e.change, e.size, e.seenAt])).toEqual([
      ['b.csv', 'changed', 20, T0 + 60_000],
      ['d.csv', 'new', 5, T0 + 60_000],
    ]);
    state = polled.state;
    expect(state.pending.map((e) => e.path)).toEqual(['b.csv', 'd.csv']);
    expect(Object.keys(state.seen!)).toEqual(['a.csv', 'b.csv', 'd.csv']);
  });

  it('a waiting file that changes again stays one event, with its latest size', () => {
    const batching = { batchSize: 10, windowSeconds: 900 };
    let state = applyPoll(emptyWatchState(), [], T0, batching).state;
    state = applyPoll(state, [file('a.csv', 1)], T0 + 60_000, batching).state;
    const again = applyPoll(state, [file('a.csv', 2, T0 + 90_000)], T0 + 120_000, batching);
    expect(again.events).toHaveLength(1);
    expect(again.state.pending).toEqual([
      { path: 'a.csv', size: 2, lastModified: T0 + 90_000, change: 'new', seenAt: T0 + 60_000 },
    ]);
  });

  it('fires when batchSize files wait, in batches of exactly that size', () => {
    const batching = { batchSize: 2, windowSeconds: 900 };
    let state = applyPoll(emptyWatchState(), [], T0, batching).state;
    const one = applyPoll(state, [file('1.csv')], T0 + 60_000, batching);
    expect(one.batches).toEqual([]);
    state = one.state;
    const three = applyPoll(
      state,
      [file('1.csv'), file('2.csv'), file('3.csv'), file('4.csv')],
      T0 + 120_000,
      batching,
    );
    expect(three.batches.map((b) => [b.reason, b.files.map((f) => f.path)])).toEqual([
      ['batch-size', ['1.csv', '2.csv']],
      ['batch-size', ['3.csv', '4.csv']],
    ]);
    expect(three.state.pending).toEqual([]);
  });

  it('fires the waiting files when the window since the first one has passed', () => {
    const batching = { batchSize: 5, windowSeconds: 300 };
    let state: EventWatchState = applyPoll(emptyWatchState(), [], T0, batching).state;
    state = applyPoll(state, [file('1.csv')], T0 + 60_000, batching).state;
    state = applyPoll(state, [file('1.csv'), file('2.csv')], T0 + 120_000, batching).state;
    expect(batchDeadline(state, batching)).toBe(T0 + 60_000 + 300_000);
    expect(dueBatches(state, T0 + 359_999, batching).batches).toEqual([]);
    const due = dueBatches(state, T0 + 360_000, batching);
    expect(due.batches.map((b) => [b.reason, b.files.map((f) => f.path)])).toEqual([
      ['window', ['1.csv', '2.csv']],
    ]);
    expect(due.state.pending).toEqual([]);
    expect(batchDeadline(due.state, batching)).toBeUndefined();
  });

  it('names a batch by its files, whatever their order', () => {
    const batching = { batchSize: 2, windowSeconds: 900 };
    const base = applyPoll(emptyWatchState(), [], T0, batching).state;
    const one = applyPoll(base, [file('x.csv'), file('y.csv')], T0 + 1, batching).batches[0]!;
    const two = applyPoll(base, [file('y.csv'), file('x.csv')], T0 + 2, batching).batches[0]!;
    const other = applyPoll(base, [file('x.csv'), file('y.csv', 11)], T0 + 1, batching).batches[0]!;
    expect(one.key).toBe(two.key);
    expect(other.key).not.toBe(one.key);
  });

  it('keeps its state as plain data', () => {
    const batching = { batchSize: 3, windowSeconds: 900 };
    let state = applyPoll(emptyWatchState(), [], T0, batching).state;
    state = applyPoll(state, [file('1.csv')], T0 + 1, batching).state;
    expect(structuredClone(state)).toEqual(state);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('checkBatching', () => {
  it('holds to Glue’s limits', () => {
    expect(() => checkBatching({ batchSize: 100, windowSeconds: 900 })).not.toThrow();
    expect(decantErrorFrom(() => checkBatching({ batchSize: 0, windowSeconds: 900 })).message).toBe(
      'trigger: batch size 0 is not a whole number from 1 to 100',
    );
    expect(decantErrorFrom(() => checkBatching({ batchSize: 5, windowSeconds: 901 })).message).toBe(
      'trigger: batch window 901 s is not a whole number from 1 to 900',
    );
  });
});

describe('a real folder gaining files', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function listFolder(root: string, prefix = ''): Promise<ListedFile[]> {
    const out: ListedFile[] = [];
    for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) out.push(...(await listFolder(root, path)));
      else {
        const s = await stat(join(root, path));
        out.push({ path, size: s.size, lastModified: Math.trunc(s.mtimeMs) });
      }
    }
    return out;
  }

  it('turns files written between polls into one batch', async () => {
    dir = await mkdtemp(join(tmpdir(), 'h6-watch-'));
    await writeFile(join(dir, 'old.csv'), 'id\n1\n');
    const batching = { batchSize: 3, windowSeconds: 900 };
    let state = applyPoll(emptyWatchState(), await listFolder(dir), T0, batching).state;

    await mkdir(join(dir, 'year=2025'));
    await writeFile(join(dir, 'year=2025', 'a.csv'), 'id\n2\n');
    await writeFile(join(dir, 'year=2025', 'b.csv'), 'id\n3\n');
    let poll = applyPoll(state, await listFolder(dir), T0 + 60_000, batching);
    expect(poll.events.map((e) => `${e.change} ${e.path}`).sort()).toEqual([
      'new year=2025/a.csv',
      'new year=2025/b.csv',
    ]);
    expect(poll.batches).toEqual([]);
    state = poll.state;

    await writeFile(join(dir, 'old.csv'), 'id\n1\n4\n');
    await utimes(join(dir, 'old.csv'), new Date(T0 + 100_000), new Date(T0 + 100_000));
    poll = applyPoll(state, await listFolder(dir), T0 + 120_000, batching);
    expect(poll.batches).toHaveLength(1);
    expect(poll.batches[0]!.files.map((f) => `${f.change} ${f.path}`).sort()).toEqual([
      'changed old.csv',
      'new year=2025/a.csv',
      'new year=2025/b.csv',
    ]);
  });
});
