// Two `mandate serve` processes on one PostgreSQL database, each with its own copy of the home
// (keys and owner credential), as on two machines behind one load balancer. The seed's loop with
// the agent on instance A and its grantor on instance B; 1,000 requests from 50 agents spread
// over both instances, decided by standing policies and by hand on both instances at once (none
// lost, none decided twice, the audit chain intact); and instance A killed with SIGKILL in the
// middle of a stream of requests and approvals while B serves on, losing nothing acknowledged,
// with the inbox stream resumed on B from the last event A delivered.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delegate } from '../../src/delegation/index.js';
import { DelegatorClient } from '../../src/server/index.js';
import type { ServerSentEvent } from '../../src/server/sse-reader.js';
import { freshSchema, schemaUrl } from '../postgres/_database.js';
import { buildCli, cli } from './fixtures/cli-harness.js';
import { serveOn, twoHomes, type Instance } from './fixtures/pg-instances.js';
import { call, expectNothingLost, followRequests, inboxStream } from './fixtures/service-http.js';

const cleanups: (() => void | Promise<void>)[] = [];
beforeAll(async () => {
  await buildCli();
}, 300_000);
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Two homes and two instances on a fresh schema; A is given `--store`, B `$MANDATE_STORE`. */
async function pair(label: string) {
  const homes = await twoHomes();
  cleanups.push(homes.cleanup);
  const store = schemaUrl(freshSchema(label));
  const mint = async (to: string, allow: string[]) => {
    const r = await cli(
      ['mint', '--to', to, ...allow.flatMap((a) => ['--allow', a]), '--expires', '1h'],
      { home: homes.a, env: { MANDATE_STORE: store } },
    );
    if (r.code !== 0) throw new Error(`mint failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  const a = await serveOn(homes.a, store);
  const b = await serveOn(homes.b, store, true);
  cleanups.push(async () => {
    for (const i of [a, b]) if (i.child.exitCode === null) await i.stop();
  });
  return { store, owner: homes.owner, a, b, mint };
}

describe('two service instances on one PostgreSQL database', () => {
  it('run the seed loop with the agent on A and its grantor on B', async () => {
    const { a, b, owner, mint } = await pair('seed');
    const coder = await mint('coder', ['tool ~ "fs.*"', 'args.path ~ "/repo/**"']);
    const helper = delegate(coder, { to: 'helper', conditions: ['tool == "fs.read"'] }).token;
    // The grantor follows its inbox on B.
    const inbox = await inboxStream(b.url, coder);
    const agent = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'http-agent.ts')],
      {
        env: {
          PATH: process.env['PATH'],
          MANDATE_URL: a.url,
          MANDATE_TOKEN: helper,
          MANDATE_PRINCIPAL: 'helper',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const steps = createInterface({ input: agent.stdout })[Symbol.asyncIterator]();
    const next = async () =>
      JSON.parse((await steps.next()).value as string) as Record<string, unknown>;
    expect(await next()).toMatchObject({ step: 'denied', askFrom: 'coder' });
    const asked = await next();
    expect(await next()).toEqual({ step: 'kept working', allowed: true });

    // Filed on A, it reaches the grantor's stream on B; approved on B, it reaches the agent's
    // stream on A.
    let event: ServerSentEvent | undefined;
    while (event?.event !== 'request') event = (await inbox.next()).value as ServerSentEvent;
    const item = JSON.parse(event.data) as { id: string; reason: string };
    expect(item).toMatchObject({ id: asked['id'], reason: 'write the fix' });
    await inbox.return(undefined);
    const approved = await call('POST', `${b.url}/v1/requests/${item.id}/approve`, coder, {});
    expect(approved.status).toBe(200);
    expect(await next()).toEqual({ step: 'installed' });
    expect(await next()).toEqual({ step: 'retried', allowed: true });
    await new Promise((r) => agent.once('exit', r));
    expect(agent.exitCode).toBe(0);

    // Both instances read one log: the mint made by the CLI on the shared store, the request
    // and its approval; and it verifies.
    const log = await call<{ kind: string }[]>(
      'GET',
      `${a.url}/v1/audit?requestId=${item.id}`,
      owner,
    );
    expect(log.body.map((e) => e.kind)).toEqual(['request', 'approve']);
    const mints = await call<{ subject: string }[]>('GET', `${b.url}/v1/audit?kind=mint`, owner);
    expect(mints.body.map((e) => e.subject)).toEqual(['coder']);
    expect((await call('POST', `${b.url}/v1/audit/verify`, owner, {})).body).toMatchObject({
      ok: true,
      mismatches: [],
    });
  });

  it('decide 1,000 requests from 50 agents on both instances, each once, by policy and by hand', async () => {
    const { a, b, owner, mint } = await pair('load');
    const instances = [a, b];
    const lead = await mint('lead', ['tool ~ "data.*"']);
    for (const policy of [
      { effect: 'approve', scope: ['tool == "data.read"'] },
      { effect: 'deny', scope: ['tool == "data.drop"'] },
    ])
      expect((await call('POST', `${a.url}/v1/policies`, lead, policy)).status).toBe(201);

    // What request `k` of an agent asks for, and how it must end.
    const kinds = [
      { tool: 'data.read', expected: 'approved' }, // by the approve policy, on arrival
      { tool: 'data.read', expected: 'approved' },
      { tool: 'data.drop', expected: 'denied' }, // by the deny policy, on arrival
      { tool: 'data.write', expected: 'approved' }, // by hand
      { tool: 'data.list', expected: 'denied' }, // by hand
    ] as const;

    // The lead decides by hand on both instances at once, each following its inbox stream
    // there: every manual request reaches both, and both race to decide it.
    const decided = { won: 0, lost: 0, other: [] as number[] };
    const deciding = new AbortController();
    const decider = async (instance: Instance, events: AsyncGenerator<ServerSentEvent>) => {
      try {
        await decide(instance, events);
      } catch (err) {
        // The end of the test cuts the stream.
        if (!deciding.signal.aborted) throw err;
      }
    };
    const decide = async (instance: Instance, events: AsyncGenerator<ServerSentEvent>) => {
      for await (const e of events) {
        if (e.event !== 'request') continue;
        const item = JSON.parse(e.data) as { id: string; scope: string[] };
        const write = item.scope.includes('tool == "data.write"');
        // Only what no policy decides: a request a policy is about to decide may still be
        // pending when the stream reads it, and a person racing a policy is another test.
        if (!write && !item.scope.includes('tool == "data.list"')) continue;
        for (;;) {
          const r = await call(
            'POST',
            `${instance.url}/v1/requests/${item.id}/${write ? 'approve' : 'deny'}`,
            lead,
            write ? {} : { reason: 'not this one' },
          );
          if (r.status === 429) {
            await new Promise((done) => setTimeout(done, 200));
            continue;
          }
          if (r.status === 200) decided.won += 1;
          else if (r.status === 409 && r.body['code'] === 'ERR_REQUEST_NOT_PENDING')
            decided.lost += 1;
          else decided.other.push(r.status);
          break;
        }
      }
    };
    // Both streams are open before the first request is filed.
    const streams = await Promise.all(
      instances.map((x) => inboxStream(x.url, lead, undefined, deciding.signal)),
    );
    const deciders = instances.map((x, i) =>
      decider(x, streams[i] as AsyncGenerator<ServerSentEvent>),
    );

    // 50 agents, 20 requests each, alternating instances; each awaits its answers on the other.
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const token = delegate(lead, {
          to: `agent-${i}`,
          conditions: ['tool == "data.none"'],
        }).token;
        const clients = instances.map((x) => new DelegatorClient(x.url, { credential: token }));
        const filed: { id: string; expected: string; on: number }[] = [];
        for (let k = 0; k < 20; k++) {
          const kind = kinds[k % 5] as (typeof kinds)[number];
          const on = (i + k) % 2;
          const ticket = await (clients[on] as DelegatorClient).request({
            token,
            principal: `agent-${i}`,
            scope: [`tool == "${kind.tool}"`, `args.n == ${k}`],
            reason: `request ${k} of agent ${i}`,
          });
          filed.push({ id: ticket.id, expected: kind.expected, on });
        }
        const got: { id: string; expected: string; status: string }[] = [];
        for (const f of filed) {
          const outcome = await (clients[1 - f.on] as DelegatorClient).awaitResponse(f.id);
          got.push({ id: f.id, expected: f.expected, status: outcome.status });
        }
        return got;
      }),
    );
    deciding.abort();
    await Promise.all(deciders);

    const all = outcomes.flat();
    expect(all).toHaveLength(1000);
    expect(new Set(all.map((o) => o.id)).size).toBe(1000);
    expect(all.filter((o) => o.status !== o.expected)).toEqual([]);
    // Every manual decision was made once: one instance won it, the other (if it tried) lost.
    expect(decided.other).toEqual([]);
    expect(decided.won).toBe(400);
    const log = async (kind: string) =>
      (await call<{ requestId: string }[]>('GET', `${b.url}/v1/audit?kind=${kind}`, owner)).body;
    const approvals = await log('approve');
    const denials = await log('deny');
    expect(approvals).toHaveLength(600);
    expect(denials).toHaveLength(400);
    expect(new Set([...approvals, ...denials].map((e) => e.requestId)).size).toBe(1000);
    expect((await call('POST', `${a.url}/v1/audit/verify`, owner, {})).body).toMatchObject({
      ok: true,
      requests: 1000,
      mismatches: [],
    });
  }, 300_000);

  it('lose nothing acknowledged when A is SIGKILLed mid-stream, while B serves on and resumes the stream', async () => {
    const { a, b, owner, mint } = await pair('kill');
    const coder = await mint('coder', ['tool == "fs.read"']);
    // The owner follows its inbox on A.
    const { seen, ended } = followRequests(await inboxStream(a.url, owner));
    // Eight workers file requests and approve every other one on A; when A dies they go on
    // on B, as a load balancer would send them.
    const filed: string[] = [];
    const approved: string[] = [];
    let n = 0;
    let target = a;
    const worker = async () => {
      while (n < 400) {
        const i = n++;
        // A request A never answered is sent again (on B once A is gone), as a client would,
        // and so is one the rate limit turned away.
        let asked: Response | undefined;
        while (asked?.status !== 201) {
          if (asked !== undefined && asked.status !== 429 && asked.status < 500)
            throw new Error(`request ${i}: ${asked.status} ${await asked.text()}`);
          if (asked !== undefined) await new Promise((r) => setTimeout(r, 50));
          asked = await fetch(`${target.url}/v1/requests`, {
            method: 'POST',
            headers: { authorization: `Bearer ${coder}`, 'content-type': 'application/json' },
            body: JSON.stringify({ scope: [`args.n == ${i}`], reason: `request ${i}` }),
          }).catch(async () => {
            await new Promise((r) => setTimeout(r, 20));
            return undefined;
          });
        }
        const { id } = (await asked.json()) as { id: string };
        filed.push(id);
        if (i % 2 !== 0) continue;
        const ok = await call('POST', `${target.url}/v1/requests/${id}/approve`, owner, {}).catch(
          () => undefined,
        );
        if (ok?.status === 200) approved.push(id);
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    while (filed.length < 40) await new Promise((r) => setTimeout(r, 20));
    await a.kill();
    target = b;
    await Promise.all(workers);
    await ended;
    expect(filed).toHaveLength(400);

    // Everything acknowledged, on either instance, is in the shared store, the log holds, and
    // the stream A delivered resumes on B after its last event: the log's positions are the same
    // on every instance.
    await expectNothingLost(b.url, owner, { filed, approved }, seen);
    await b.stop();
  }, 300_000);
});
