// The in-memory lock manager the leader election is tested with must behave like the browser's.
// The same scenarios run on it and on Chromium's navigator.locks (tabs are same-origin iframes
// there; closing one removes it), and their traces must be equal.
import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockManagerLike } from '../../src/scheduler/leader';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium';
import { MemoryLockOrigin } from './memory-locks';

interface Env {
  tab(i: number): LockManagerLike;
  close(i: number): void;
  log(line: string): void;
  /** Lets pending grants and callbacks happen. */
  settle(): Promise<void>;
}

type Scenario = (env: Env) => Promise<void>;

// Scenarios are sent to the browser as source text: they may use only `env`.
const scenarios: Record<string, Scenario> = {
  'exclusive locks are granted in request order': async (env) => {
    const gates: (() => void)[] = [];
    for (const i of [0, 1, 2]) {
      void env
        .tab(i)
        .request('x', {}, async (lock) => {
          env.log(`tab ${i} got ${lock ? lock.mode : 'null'}`);
          await new Promise<void>((r) => gates.push(r));
          return i;
        })
        .then((v) => env.log(`tab ${i} resolved ${v}`));
      // One after the other: requests from three pages have no order until each has arrived.
      await env.settle();
    }
    gates.shift()!();
    await env.settle();
    gates.shift()!();
    await env.settle();
    gates.shift()!();
    await env.settle();
  },
  'ifAvailable answers null while held or queued, and is granted once free': async (env) => {
    let release!: () => void;
    void env.tab(0).request('x', { mode: 'shared' }, () => new Promise<void>((r) => (release = r)));
    await env.settle();
    void env.tab(1).request('x', {}, () => env.log('tab 1 exclusive granted'));
    await env.settle();
    await env
      .tab(2)
      .request('x', { mode: 'shared', ifAvailable: true }, (lock) =>
        env.log(`tab 2 shared ifAvailable: ${lock ? 'granted' : 'null'}`),
      );
    await env
      .tab(2)
      .request('y', { ifAvailable: true }, (lock) =>
        env.log(`tab 2 other name: ${lock ? 'granted' : 'null'}`),
      );
    release();
    await env.settle();
    await env
      .tab(2)
      .request('x', { ifAvailable: true }, (lock) =>
        env.log(`tab 2 after release: ${lock ? 'granted' : 'null'}`),
      );
  },
  'abort withdraws a queued request': async (env) => {
    let release!: () => void;
    void env.tab(0).request('x', {}, () => new Promise<void>((r) => (release = r)));
    await env.settle();
    const controller = new AbortController();
    env
      .tab(1)
      .request('x', { signal: controller.signal }, () => env.log('tab 1 granted (wrong)'))
      .catch((e: { name: string }) => env.log(`tab 1 rejected ${e.name}`));
    void env.tab(2).request('x', {}, () => env.log('tab 2 granted'));
    await env.settle();
    controller.abort();
    await env.settle();
    release();
    await env.settle();
  },
  'closing a tab releases its lock and drops its requests': async (env) => {
    void env.tab(0).request('x', {}, () => {
      env.log('tab 0 granted');
      return new Promise(() => {});
    });
    await env.settle();
    void env.tab(1).request('x', {}, () => {
      env.log('tab 1 granted (wrong: closed)');
      return new Promise(() => {});
    });
    void env.tab(2).request('x', {}, () => {
      env.log('tab 2 granted');
      return new Promise(() => {});
    });
    await env.settle();
    env.close(1);
    await env.settle();
    env.log('closing tab 0');
    env.close(0);
    await env.settle();
  },
  // The lock pattern of electLeader: probe with ifAvailable, else queue; hold for the tab's life.
  'the election pattern: one leader, hand-over when its tab closes': async (env) => {
    const elect = (i: number) =>
      env.tab(i).request('leader', { ifAvailable: true }, (lock) => {
        const lead = () => {
          env.log(`tab ${i} leads`);
          return new Promise(() => {});
        };
        if (lock) return lead();
        env.log(`tab ${i} follows`);
        void env.tab(i).request('leader', {}, lead);
        return undefined;
      });
    // One tab after the other: requests from different tabs at once reach the lock manager in
    // no fixed order (seen in Chromium under load).
    for (const i of [0, 1, 2]) {
      void elect(i);
      await env.settle();
    }
    env.log('closing tab 0');
    env.close(0);
    await env.settle();
    env.log('closing tab 1');
    env.close(1);
    await env.settle();
    void elect(3);
    await env.settle();
  },
  'a failing callback releases the lock': async (env) => {
    await env
      .tab(0)
      .request('x', {}, () => {
        throw new Error('boom');
      })
      .catch((e: Error) => env.log(`tab 0 rejected ${e.message}`));
    await env
      .tab(1)
      .request('x', { ifAvailable: true }, (lock) => env.log(`tab 1 ${lock ? 'granted' : 'null'}`));
  },
};

async function runInMemory(scenario: Scenario): Promise<string[]> {
  const origin = new MemoryLockOrigin();
  const tabs = new Map<number, ReturnType<MemoryLockOrigin['tab']>>();
  const trace: string[] = [];
  const tab = (i: number) => {
    if (!tabs.has(i)) tabs.set(i, origin.tab(`t${i}`));
    return tabs.get(i)!;
  };
  await scenario({
    tab,
    close: (i) => tab(i).close(),
    log: (line) => trace.push(line),
    settle: () => new Promise((r) => setTimeout(r, 5)),
  });
  await new Promise((r) => setTimeout(r, 5));
  return trace;
}

async function runInChromium(page: Page, scenario: Scenario): Promise<string[]> {
  return page.evaluate(async (source) => {
    const trace: string[] = [];
    const frames = new Map<number, HTMLIFrameElement>();
    const frame = (i: number) => {
      let f = frames.get(i);
      if (!f) {
        f = document.createElement('iframe');
        document.body.append(f);
        frames.set(i, f);
      }
      return f;
    };
    const env = {
      tab: (i: number) => frame(i).contentWindow!.navigator.locks,
      close: (i: number) => frame(i).remove(),
      log: (line: string) => trace.push(line),
      settle: () => new Promise((r) => setTimeout(r, 150)),
    };
    const run = (0, eval)(`(${source})`) as (e: typeof env) => Promise<void>;
    await run(env);
    await new Promise((r) => setTimeout(r, 100));
    for (const f of frames.values()) f.remove();
    return trace;
  }, scenario.toString());
}

describe('the in-memory lock manager against Chromium’s navigator.locks', () => {
  let browser: Browser;
  let server: Server;
  let page: Page;

  beforeAll(async () => {
    server = createServer((_, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><body>'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    browser = await chromium.launch({ executablePath: await findChromium(), args: CHROMIUM_ARGS });
    page = await browser.newPage();
    // Loopback is a secure context, where the Web Locks API exists.
    await page.goto(`http://127.0.0.1:${address.port}/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => server?.close(() => r()));
  });

  for (const [name, scenario] of Object.entries(scenarios)) {
    it(name, async () => {
      const browserTrace = await runInChromium(page, scenario);
      expect(browserTrace.length).toBeGreaterThan(0);
      expect(await runInMemory(scenario)).toEqual(browserTrace);
    });
  }
});
