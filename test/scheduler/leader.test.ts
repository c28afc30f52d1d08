import { describe, expect, it } from 'vitest';
import { electLeader, type LockManagerLike } from '../../src/scheduler/leader';
import { MemoryLockOrigin } from './memory-locks';

/** Lets queued microtasks (lock grants, callbacks) run. */
const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

// The browser's LockManager fits the interface the election is written against.
const fits = (locks: LockManager): LockManagerLike => locks;
void fits;

describe('the in-memory lock manager follows the Web Locks spec', () => {
  it('grants an exclusive lock to one holder at a time, in request order', async () => {
    const origin = new MemoryLockOrigin();
    const [a, b, c] = [origin.tab('a'), origin.tab('b'), origin.tab('c')];
    const order: string[] = [];
    let releaseA!: () => void;
    const pa = a.request('x', {}, async (lock) => {
      order.push(`a got ${lock?.mode}`);
      await new Promise<void>((r) => (releaseA = r));
      return 'a done';
    });
    const pb = b.request('x', { mode: 'exclusive' }, (lock) => order.push(`b got ${lock?.name}`));
    const pc = c.request('x', {}, () => order.push('c got'));
    await flush();
    expect(order).toEqual(['a got exclusive']);
    expect(origin.query().pending.map((p) => p.tab)).toEqual(['b', 'c']);
    releaseA();
    expect(await pa).toBe('a done');
    await Promise.all([pb, pc]);
    expect(order).toEqual(['a got exclusive', 'b got x', 'c got']);
    expect(origin.query()).toEqual({ held: [], pending: [] });
  });

  it('lets shared holders share, and an exclusive request wait for all of them', async () => {
    const origin = new MemoryLockOrigin();
    const [a, b, c] = [origin.tab('a'), origin.tab('b'), origin.tab('c')];
    const gates: (() => void)[] = [];
    const hold = () => new Promise<void>((r) => gates.push(r));
    void a.request('x', { mode: 'shared' }, hold);
    void b.request('x', { mode: 'shared' }, hold);
    let exclusive = false;
    const pc = c.request('x', {}, () => (exclusive = true));
    await flush();
    expect(origin.query().held.map((h) => `${h.tab}:${h.mode}`)).toEqual(['a:shared', 'b:shared']);
    gates[0]!();
    await flush();
    expect(exclusive).toBe(false);
    gates[1]!();
    await pc;
    expect(exclusive).toBe(true);
  });

  it('ifAvailable: calls back with null instead of queueing when the lock is taken', async () => {
    const origin = new MemoryLockOrigin();
    const [a, b] = [origin.tab('a'), origin.tab('b')];
    let release!: () => void;
    void a.request('x', {}, () => new Promise<void>((r) => (release = r)));
    await flush();
    expect(await b.request('x', { ifAvailable: true }, (lock) => lock)).toBeNull();
    expect(origin.query().pending).toEqual([]);
    release();
    await flush();
    expect(await b.request('x', { ifAvailable: true }, (lock) => lock?.name)).toBe('x');
  });

  it('ifAvailable: is not granted ahead of requests already queued', async () => {
    const origin = new MemoryLockOrigin();
    const [a, b, c] = [origin.tab('a'), origin.tab('b'), origin.tab('c')];
    let release!: () => void;
    void a.request('x', { mode: 'shared' }, () => new Promise<void>((r) => (release = r)));
    const queued = b.request('x', {}, () => 'b');
    await flush();
    // A shared lock would not conflict with the held one, but the spec's "grantable" needs an
    // empty queue or the head of it, and b's exclusive request is waiting.
    expect(await c.request('x', { mode: 'shared', ifAvailable: true }, (lock) => lock)).toBeNull();
    expect(await c.request('y', { mode: 'shared', ifAvailable: true }, (lock) => lock?.mode)).toBe(
      'shared',
    );
    release();
    expect(await queued).toBe('b');
  });

  it('abort withdraws a queued request (AbortError) and has no effect once granted', async () => {
    const origin = new MemoryLockOrigin();
    const [a, b] = [origin.tab('a'), origin.tab('b')];
    let release!: () => void;
    const controller = new AbortController();
    const held = a.request(
      'x',
      { signal: controller.signal },
      () => new Promise<void>((r) => (release = r)),
    );
    const waiting = new AbortController();
    const pb = b.request('x', { signal: waiting.signal }, () => 'never');
    await flush();
    waiting.abort(new DOMException('gave up', 'AbortError'));
    await expect(pb).rejects.toMatchObject({ name: 'AbortError' });
    expect(origin.query().pending).toEqual([]);
    controller.abort();
    await flush();
    expect(origin.query().held).toHaveLength(1);
    release();
    await held;
    const already = AbortSignal.abort();
    await expect(b.request('x', { signal: already }, () => 1)).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('refuses what the spec refuses', async () => {
    const tab = new MemoryLockOrigin().tab('a');
    const signal = new AbortController().signal;
    await expect(tab.request('-x', {}, () => 1)).rejects.toMatchObject({
      name: 'NotSupportedError',
    });
    await expect(tab.request('x', { ifAvailable: true, signal }, () => 1)).rejects.toMatchObject({
      name: 'NotSupportedError',
    });
  });

  it('a failing callback releases the lock and rejects the request', async () => {
    const origin = new MemoryLockOrigin();
    const tab = origin.tab('a');
    await expect(
      tab.request('x', {}, () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(origin.query().held).toEqual([]);
  });

  it('a closing tab releases its locks and drops its requests', async () => {
    const origin = new MemoryLockOrigin();
    const [a, b, c] = [origin.tab('a'), origin.tab('b'), origin.tab('c')];
    void a.request('x', {}, () => new Promise(() => {}));
    void b.request('x', {}, () => new Promise(() => {}));
    let cGot = false;
    void c.request('x', {}, () => {
      cGot = true;
      return new Promise(() => {});
    });
    await flush();
    b.close();
    a.close();
    await flush();
    expect(cGot).toBe(true);
    expect(origin.query().held.map((h) => h.tab)).toEqual(['c']);
    await expect(a.request('x', {}, () => 1)).rejects.toMatchObject({ name: 'InvalidStateError' });
  });
});

describe('electLeader', () => {
  it('makes exactly one tab leader; the others follow', async () => {
    const origin = new MemoryLockOrigin();
    const tabs = ['a', 'b', 'c'].map((id) => origin.tab(id));
    const elections = tabs.map((t) => electLeader(t));
    await flush();
    expect(elections.map((e) => e.state)).toEqual(['leader', 'follower', 'follower']);
    expect(origin.query().held.map((h) => h.tab)).toEqual(['a']);
    expect(origin.query().pending.map((p) => p.tab)).toEqual(['b', 'c']);
  });

  it('hands over to the next tab in line when the leader’s tab closes', async () => {
    const origin = new MemoryLockOrigin();
    const tabs = ['a', 'b', 'c'].map((id) => origin.tab(id));
    const changes: string[] = [];
    const elections = tabs.map((t) =>
      electLeader(t, 'decant-scheduler-leader', {
        onChange: (s) => changes.push(`${t.id}:${s}`),
      }),
    );
    await flush();
    tabs[0]!.close();
    await elections[1]!.leadership;
    expect(elections[1]!.state).toBe('leader');
    expect(elections[2]!.state).toBe('follower');
    tabs[1]!.close();
    await elections[2]!.leadership;
    expect(changes).toEqual(['a:leader', 'b:follower', 'c:follower', 'b:leader', 'c:leader']);
  });

  it('resign lets go of the lock, or of the place in the queue', async () => {
    const origin = new MemoryLockOrigin();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => origin.tab(id)) as [
      ReturnType<MemoryLockOrigin['tab']>,
      ReturnType<MemoryLockOrigin['tab']>,
      ReturnType<MemoryLockOrigin['tab']>,
    ];
    const ea = electLeader(a);
    const eb = electLeader(b);
    const ec = electLeader(c);
    await flush();
    await eb.resign();
    expect(eb.state).toBe('resigned');
    expect(origin.query().pending.map((p) => p.tab)).toEqual(['c']);
    await ea.resign();
    await ec.leadership;
    expect([ea.state, eb.state, ec.state]).toEqual(['resigned', 'resigned', 'leader']);
    expect(origin.query().held.map((h) => h.tab)).toEqual(['c']);
  });

  it('a tab that resigns while probing never leads', async () => {
    const origin = new MemoryLockOrigin();
    const e = electLeader(origin.tab('a'));
    const resigned = e.resign();
    await resigned;
    await flush();
    expect(e.state).toBe('resigned');
    expect(origin.query()).toEqual({ held: [], pending: [] });
  });

  it('reports a lock manager that refuses (e.g. no secure context)', async () => {
    const refusing: LockManagerLike = {
      request: () => Promise.reject(new DOMException('not allowed', 'SecurityError')),
    };
    const e = electLeader(refusing);
    await flush();
    expect(e.state).toBe('failed');
    expect(e.error).toMatchObject({ name: 'SecurityError' });
  });
});
