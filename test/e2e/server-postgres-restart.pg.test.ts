// PostgreSQL stopped and started again under load, beneath two `mandate serve` instances (on a
// server of this test's own, see test/postgres/_cluster.ts). While it is down, every call that
// needs the store is answered at once with 503 and the stable code
// ERR_REQUEST_STORE_UNAVAILABLE, never left hanging; once it is back, both instances reconnect
// by themselves and serve again, an inbox stream opened before the outage delivers a request
// filed after it, and nothing acknowledged is lost or decided twice: an approval whose answer
// was a 503 is retried, and the retry either decides it or finds it decided (409, not pending).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerSentEvent } from '../../src/server/sse-reader.js';
import { startCluster, type Cluster } from '../postgres/_cluster.js';
import { buildCli, cli } from './fixtures/cli-harness.js';
import { serveOn, twoHomes, type Instance } from './fixtures/pg-instances.js';
import { inboxStream } from './fixtures/service-http.js';

/** Longer than any answer may take: a call still unanswered by then hung. */
const HUNG_MS = 30_000;

let cluster: Cluster | undefined;
const cleanups: (() => void | Promise<void>)[] = [];
beforeAll(async () => {
  await buildCli();
}, 300_000);
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  cluster?.remove();
});

/** One answer the service gave (or `hung`). */
interface Answer {
  readonly on: 'A' | 'B';
  readonly what: 'request' | 'approve';
  readonly status: number | 'hung';
  readonly code?: string;
  /** An approval tried again after a 503. */
  readonly retry?: boolean;
}

async function answer(
  instance: Instance,
  on: 'A' | 'B',
  what: Answer['what'],
  path: string,
  bearer: string,
  body: unknown,
): Promise<Answer & { readonly body?: Record<string, unknown> }> {
  try {
    const res = await fetch(`${instance.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(HUNG_MS),
    });
    const parsed = (await res.json()) as Record<string, unknown>;
    return {
      on,
      what,
      status: res.status,
      ...(typeof parsed['code'] === 'string' ? { code: parsed['code'] } : {}),
      body: parsed,
    };
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') return { on, what, status: 'hung' };
    throw err;
  }
}

describe('PostgreSQL restarted under load', () => {
  it('answers 503 with a stable code while it is down, and both instances resume without losing or duplicating anything', async () => {
    cluster = await startCluster();
    const store = `${cluster.url}?schema=restart`;
    const homes = await twoHomes();
    cleanups.push(homes.cleanup);
    const minted = await cli(
      ['mint', '--to', 'coder', '--allow', 'tool == "fs.read"', '--expires', '1h'],
      {
        home: homes.a,
        env: { MANDATE_STORE: store },
      },
    );
    expect(minted.code).toBe(0);
    const coder = minted.stdout.trim();
    const owner = homes.owner;
    const a = await serveOn(homes.a, store);
    const b = await serveOn(homes.b, store, true);
    cleanups.push(async () => {
      for (const i of [a, b]) if (i.child.exitCode === null) await i.stop();
    });
    const inbox = await inboxStream(a.url, owner);

    // Workers file a request on one instance and approve it on the other, retrying an approval
    // answered with 503 until it is decided (200) or found decided (409).
    const answers: Answer[] = [];
    const filed: string[] = [];
    const approved: string[] = [];
    let phase: 'before' | 'down' | 'after' = 'before';
    const downAnswers = () => answers.filter((x) => x.status === 503);
    let n = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const i = n++;
        const [asker, askerName, decider, deciderName] =
          i % 2 === 0 ? ([a, 'A', b, 'B'] as const) : ([b, 'B', a, 'A'] as const);
        const asked = await answer(asker, askerName, 'request', '/v1/requests', coder, {
          scope: [`args.n == ${i}`],
          reason: `request ${i} (${phase})`,
        });
        answers.push(asked);
        if (asked.status !== 201) {
          if (phase === 'down') await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        const id = asked.body?.['id'] as string;
        filed.push(id);
        for (let attempt = 0; ; attempt++) {
          const decided = await answer(
            decider,
            deciderName,
            'approve',
            `/v1/requests/${id}/approve`,
            owner,
            {},
          );
          answers.push({ ...decided, retry: attempt > 0 });
          if (decided.status === 200) approved.push(id);
          if (decided.status !== 503) break;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const workers = Array.from({ length: 6 }, worker);
    while (approved.length < 30) await new Promise((r) => setTimeout(r, 20));

    cluster.stop();
    phase = 'down';
    while (!(['A', 'B'] as const).every((on) => downAnswers().some((x) => x.on === on)))
      await new Promise((r) => setTimeout(r, 20));
    while (downAnswers().length < 20) await new Promise((r) => setTimeout(r, 20));
    cluster.start();
    phase = 'after';
    const approvedBefore = approved.length;
    while (approved.length < approvedBefore + 60) await new Promise((r) => setTimeout(r, 20));
    stop = true;
    await Promise.all(workers);

    // No call hung; every failure was the store's 503 with its stable code; a retried approval
    // that had in fact been decided says so, and nothing else conflicts.
    expect(answers.filter((x) => x.status === 'hung')).toEqual([]);
    const failures = answers.filter((x) => x.status !== 200 && x.status !== 201);
    expect(failures.length).toBeGreaterThanOrEqual(20);
    for (const f of failures) {
      if (f.status === 409)
        expect({ code: f.code, retry: f.retry }).toEqual({
          code: 'ERR_REQUEST_NOT_PENDING',
          retry: true,
        });
      else
        expect({ status: f.status, code: f.code }).toEqual({
          status: 503,
          code: 'ERR_REQUEST_STORE_UNAVAILABLE',
        });
    }
    // Both instances served before and after.
    for (const on of ['A', 'B'] as const)
      expect(answers.filter((x) => x.on === on && x.status === 201).length).toBeGreaterThan(10);

    // Nothing acknowledged is lost, nothing is decided twice, and the log holds.
    const audit = async (kind: string) =>
      (await (
        await fetch(`${b.url}/v1/audit?kind=${kind}`, {
          headers: { authorization: `Bearer ${owner}` },
        })
      ).json()) as { requestId: string }[];
    const requests = new Set((await audit('request')).map((e) => e.requestId));
    expect(filed.filter((id) => !requests.has(id))).toEqual([]);
    const approvals = (await audit('approve')).map((e) => e.requestId);
    expect(approvals.length).toBe(new Set(approvals).size);
    expect(approved.filter((id) => !approvals.includes(id))).toEqual([]);
    const verified = (await (
      await fetch(`${a.url}/v1/audit/verify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as { ok: boolean; mismatches: unknown[] };
    expect(verified).toMatchObject({ ok: true, mismatches: [] });

    // The owner's stream on A, opened before the outage, still delivers: a request filed on B
    // now reaches it.
    const last = await answer(b, 'B', 'request', '/v1/requests', coder, {
      scope: ['args.n == -1'],
      reason: 'after the restart',
    });
    expect(last.status).toBe(201);
    for (;;) {
      const next = await inbox.next();
      // On failure, what A wrote besides its log lines says why its stream ended.
      const said = a
        .log()
        .split('\n')
        .filter((l) => !l.startsWith('{'));
      expect(next.done, said.join('\n')).not.toBe(true);
      const event = next.value as ServerSentEvent;
      if (
        event.event === 'request' &&
        (JSON.parse(event.data) as { id: string }).id === last.body?.['id']
      )
        break;
    }
    await inbox.return(undefined);
  }, 300_000);
});
