// The Delegator as a service, over real HTTP on loopback: an agent in "another process" (a
// runner whose broker is a DelegatorClient) is denied, asks over HTTP, the owner approves over
// HTTP, and the agent's session installs the new token; polls speak RFC 8628; every bad
// credential gets the same 401; the inbox streams and resumes; the feed, authorize and AuthZEN
// answer; bad input is JSON 4xx.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Delegator,
  PermissionDenied,
  RevocationList,
  createToolRunner,
  defineTool,
  delegate,
  mintDelegation,
  createRootKey,
} from '../../src/index.js';
import {
  DelegatorClient,
  ServiceError,
  createOwnerCredential,
  createServiceApp,
  listen,
  ownerCheck,
  type RunningService,
} from '../../src/server/index.js';
import { addFirstPartyCaveat, decodeMacaroon, encodeMacaroon } from '../../src/macaroon/index.js';
import { readEvents, type ServerSentEvent } from '../../src/server/sse-reader.js';

class Clock {
  ms = Date.UTC(2026, 2, 1, 9, 0, 0);
  readonly now = (): Date => new Date(this.ms);
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

const running: RunningService[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close({ graceMs: 100 });
});

async function service() {
  const clock = new Clock();
  const delegator = await Delegator.inMemory({ now: clock.now, watchIntervalMs: 20 });
  const credential = createOwnerCredential();
  const app = createServiceApp({
    delegator,
    isOwner: ownerCheck(() => credential),
    now: clock.now,
    heartbeatMs: 60_000,
    feedIntervalMs: 50,
  });
  const server = await listen(app, { port: 0 }, () => delegator.close());
  running.push(server);
  const planner = await delegator.mint({
    to: 'planner',
    conditions: ['tool in ["fs.read", "fs.write"]', 'args.path ~ "/repo/**"'],
    expiresIn: 3600,
  });
  const coder = delegate(planner, {
    to: 'coder',
    conditions: ['tool == "fs.read"'],
    now: clock.now(),
  }).token;
  const owner = new DelegatorClient(server.url, { credential });
  return { clock, delegator, credential, server, planner, coder, owner };
}

const tools = [
  defineTool({
    name: 'fs.read',
    description: 'read',
    inputSchema: { type: 'object', properties: { path: { type: 'string' } } },
    handler: ({ path }: { path?: string }) => `read ${path ?? ''}`,
  }),
  defineTool({
    name: 'fs.write',
    description: 'write',
    inputSchema: { type: 'object', properties: { path: { type: 'string' } } },
    handler: ({ path }: { path?: string }) => `wrote ${path ?? ''}`,
  }),
];

describe('the service', () => {
  it('runs the loop: denied, ask over HTTP, approved over HTTP, the session installs the token', async () => {
    const s = await service();
    const broker = new DelegatorClient(s.server.url);
    const runner = createToolRunner({
      rootKeys: s.delegator.rootKeys,
      tools,
      broker,
      now: s.clock.now,
    });
    const session = runner.startAgent({ principal: 'coder', token: s.coder });
    const denied = await session
      .invoke('fs.write', { path: '/repo/a.md' })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionDenied);
    const ticket = await session.requestPermission({
      scope: (denied as PermissionDenied).decision.needed?.scope ?? [],
      reason: 'save the fix',
      call: { tool: 'fs.write', args: { path: '/repo/a.md' } },
    });
    expect(ticket).toMatchObject({ status: 'pending', interval: 5 });
    expect(await broker.poll(ticket.id)).toEqual({ error: 'authorization_pending', interval: 5 });

    // The planner (an agent grantor, by its token) sees it in its inbox and approves over HTTP.
    const planner = new DelegatorClient(s.server.url, { credential: s.planner });
    const inbox = await planner.inbox();
    expect(inbox.map((i) => [i.id, i.requester, i.reason])).toEqual([
      [ticket.id, 'coder', 'save the fix'],
    ]);
    const approved = await planner.approve(ticket.id);
    expect(approved.status).toBe('approved');
    expect(JSON.stringify(approved)).not.toContain(s.planner);

    s.clock.advance(5);
    const outcome = await session.awaitResponse(ticket.id);
    expect(outcome.status).toBe('approved');
    await expect(session.invoke('fs.write', { path: '/repo/a.md' })).resolves.toBe(
      'wrote /repo/a.md',
    );
  });

  it('wakes an agent waiting on the stream as soon as its request is decided', async () => {
    const s = await service();
    const broker = new DelegatorClient(s.server.url);
    const ticket = await broker.request({
      token: s.coder,
      principal: 'coder',
      scope: ['tool == "fs.write"'],
      reason: 'r',
    });
    const waiting = broker.awaitResponse(ticket.id);
    await new Promise((r) => setTimeout(r, 50));
    await new DelegatorClient(s.server.url, { credential: s.planner }).deny(
      ticket.id,
      'no, thank you',
    );
    // No clock moved: the answer came on the stream, not from a poll after the interval.
    await expect(waiting).resolves.toEqual({ status: 'denied', reason: 'no, thank you' });
  });

  it('answers polls in RFC 8628 words, and only to the requester', async () => {
    const s = await service();
    const broker = new DelegatorClient(s.server.url);
    const ticket = await broker.request({
      token: s.coder,
      principal: 'coder',
      scope: ['tool == "fs.write"'],
      reason: 'r',
    });
    const get = (bearer: string) =>
      fetch(`${s.server.url}/v1/requests/${ticket.id}`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
    const first = await get(s.coder);
    expect(first.status).toBe(400);
    expect(await first.json()).toEqual({ error: 'authorization_pending', interval: 5 });
    expect(await (await get(s.coder)).json()).toEqual({ error: 'slow_down', interval: 10 });
    // Another agent (the planner) cannot read the coder's request.
    const other = await get(s.planner);
    expect(other.status).toBe(404);
    await new DelegatorClient(s.server.url, { credential: s.planner }).deny(ticket.id, 'not today');
    const answer = await get(s.coder);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: 'access_denied', error_description: 'not today' });
  });

  it('gives every unacceptable credential the same 401', async () => {
    const s = await service();
    const foreign = mintDelegation(createRootKey({ id: 'k1' }), { to: 'coder', conditions: [] });
    await s.delegator.revoke(s.coder, { by: 'owner', reason: 'leaked' });
    const bodies = new Set<string>();
    for (const header of [
      undefined,
      'Basic abc',
      'Bearer not-a-token',
      `Bearer ${foreign}`,
      `Bearer ${s.coder}`, // revoked
      `Bearer ${createOwnerCredential()}`, // not the current owner credential
      `Bearer ${s.coder.slice(0, -2)}`,
    ]) {
      const res = await fetch(`${s.server.url}/v1/inbox`, {
        headers: header === undefined ? {} : { authorization: header },
      });
      expect(res.status).toBe(401);
      bodies.add(await res.text());
    }
    expect([...bodies]).toEqual([
      JSON.stringify({
        error: 'invalid_token',
        code: 'ERR_SERVER_UNAUTHORIZED',
        message: 'the credential is not valid here',
      }),
    ]);
  });

  it('streams the inbox and resumes from Last-Event-ID without losing or repeating', async () => {
    const s = await service();
    const broker = new DelegatorClient(s.server.url);
    const first = await broker.request({
      token: s.coder,
      principal: 'coder',
      scope: ['tool == "fs.write"'],
      reason: 'one',
    });
    const controller = new AbortController();
    const res = await fetch(`${s.server.url}/v1/inbox`, {
      headers: { authorization: `Bearer ${s.planner}`, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = sseEvents(res);
    expect(await events.next()).toMatchObject({ event: 'request', data: { id: first.id } });
    const ready = await events.next();
    expect(ready.event).toBe('ready');
    const second = await broker.request({
      token: s.coder,
      principal: 'coder',
      scope: ['args.path == "/repo/x"'],
      reason: 'two',
    });
    const live = await events.next();
    expect(live).toMatchObject({ event: 'request', data: { id: second.id } });
    controller.abort();

    // While disconnected, a third request arrives; resuming after the second delivers only it.
    const third = await broker.request({
      token: s.coder,
      principal: 'coder',
      scope: ['args.path == "/repo/y"'],
      reason: 'three',
    });
    const again = new AbortController();
    const resumed = await fetch(`${s.server.url}/v1/inbox`, {
      headers: {
        authorization: `Bearer ${s.planner}`,
        accept: 'text/event-stream',
        'last-event-id': live.id ?? '',
      },
      signal: again.signal,
    });
    const more = sseEvents(resumed);
    expect(await more.next()).toMatchObject({ event: 'request', data: { id: third.id } });
    again.abort();
  });

  it('serves the revocation feed, authorize and AuthZEN evaluation', async () => {
    const s = await service();
    await s.owner.revoke(s.coder, 'leaked');
    const list = new RevocationList();
    list.apply(await s.owner.revocationFeed(list.cursor));
    expect(list).toMatchObject({ cursor: 1, size: 1 });

    const decision = await s.owner.authorize(s.coder, {
      tool: 'fs.read',
      args: { path: '/repo/a' },
      principal: 'coder',
    });
    expect(decision).toMatchObject({ allowed: false, revoked: { reason: 'leaked', by: 'owner' } });
    const allowed = await s.owner.authorize(s.planner, {
      tool: 'fs.read',
      args: { path: '/repo/a' },
      principal: 'planner',
    });
    expect(allowed.allowed).toBe(true);

    const evaluate = (token: string, tool: string) =>
      fetch(`${s.server.url}/access/v1/evaluation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          subject: { type: 'agent', id: 'planner', properties: { token } },
          action: { name: tool },
          resource: { type: 'file', id: '/repo/a' },
          context: { args: { path: '/repo/a' } },
        }),
      }).then(
        (r) =>
          r.json() as Promise<{ decision: boolean; context?: { needed?: { askFrom: string } } }>,
      );
    expect(await evaluate(s.planner, 'fs.read')).toEqual({ decision: true });
    const no = await evaluate(s.planner, 'fs.delete');
    expect(no.decision).toBe(false);
    expect(no.context?.needed?.askFrom).toBe('owner');
    expect(await evaluate('garbage', 'fs.read')).toEqual({
      decision: false,
      context: { reason: 'the token is not valid here' },
    });
  });

  it('keeps a verifier elsewhere current from the revocation stream, and it fails closed without it', async () => {
    const s = await service();
    const list = new RevocationList();
    const follow = new AbortController();
    const following = s.owner.followRevocations(list, { signal: follow.signal, retryMs: 50 });
    const runner = createToolRunner({
      rootKeys: s.delegator.rootKeys,
      tools,
      now: s.clock.now,
      revocations: list,
      maxRevocationStaleness: 30,
    });
    const coder = runner.startAgent({ principal: 'coder', token: s.coder });
    await until(() => list.completeAt !== null);
    await expect(coder.invoke('fs.read', { path: '/repo/a' })).resolves.toBe('read /repo/a');
    await s.owner.revoke(s.coder, 'leaked');
    await until(() => list.size === 1);
    await expect(coder.invoke('fs.read', { path: '/repo/a' })).rejects.toMatchObject({
      decision: { revoked: { reason: 'leaked' } },
    });
    follow.abort();
    await following;
    s.clock.advance(31);
    const planner = runner.startAgent({ principal: 'planner', token: s.planner });
    await expect(planner.invoke('fs.read', { path: '/repo/a' })).rejects.toMatchObject({
      decision: { revocationsStale: { maxStaleness: 30 } },
    });
  });

  it('refuses a forged marker, a token of another principal and a stale token over HTTP', async () => {
    const s = await service();
    const post = (bearer: string, body: unknown) =>
      fetch(`${s.server.url}/v1/requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // The coder appends `to "planner"` to its own token to pass as the planner: it is still the
    // coder's token below the planner (place planner → coder → planner), so the request goes
    // to the coder as grantor, and the planner's inbox does not see it.
    const forged = encodeMacaroon(addFirstPartyCaveat(decodeMacaroon(s.coder), 'to "planner"'));
    const asked = await post(forged, { scope: ['tool == "fs.write"'], reason: 'let me in' });
    expect(asked.status).toBe(201);
    const planner = new DelegatorClient(s.server.url, { credential: s.planner });
    expect(await planner.inbox()).toEqual([]);
    // Nor can that forged "planner" decide what was addressed to the real planner.
    const real = await new DelegatorClient(s.server.url).request({
      token: s.coder,
      principal: 'coder',
      scope: ['tool == "fs.write"'],
      reason: 'honest',
    });
    const decide = await fetch(`${s.server.url}/v1/requests/${real.id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${forged}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(decide.status).toBe(403);
    // A token that has expired is the same fixed 401 as any other.
    s.clock.advance(3601);
    const stale = await post(s.planner, { scope: ['tool == "fs.write"'], reason: 'late' });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ code: 'ERR_SERVER_UNAUTHORIZED' });
    // A reason with a control character is refused, not echoed.
    s.clock.advance(-3601);
    const hostile = await post(s.coder, {
      scope: ['tool == "fs.write"'],
      reason: 'ok\u001b[2Jgone',
    });
    expect(hostile.status).toBe(400);
    expect(((await hostile.json()) as { message: string }).message).not.toContain('\u001b');
  });

  it('answers bad input with JSON 4xx, never a 500', async () => {
    const s = await service();
    const post = (path: string, body: string, bearer = s.coder) =>
      fetch(`${s.server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body,
      });
    const cases: [Promise<Response>, number, string][] = [
      [post('/v1/requests', '{not json'), 400, 'ERR_SERVER_BAD_REQUEST'],
      [post('/v1/requests', '{"scope":[],"reason":"x"}'), 400, 'ERR_SERVER_BAD_REQUEST'],
      [post('/v1/requests', '{"scope":["tool =="],"reason":"x"}'), 400, 'ERR_REQUEST_INVALID'],
      [
        post('/v1/requests', JSON.stringify({ scope: ['true'], reason: 'x'.repeat(70_000) })),
        413,
        'ERR_SERVER_TOO_LARGE',
      ],
      [
        // Streamed without a length (chunked): counted as it arrives.
        fetch(`${s.server.url}/v1/requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.coder}`, 'content-type': 'application/json' },
          body: new Blob([
            JSON.stringify({ scope: ['true'], reason: 'x'.repeat(70_000) }),
          ]).stream(),
          duplex: 'half',
        }),
        413,
        'ERR_SERVER_TOO_LARGE',
      ],
      [
        post('/v1/requests', '{"scope":["true"],"reason":"x","extra":1}'),
        400,
        'ERR_SERVER_BAD_REQUEST',
      ],
      [
        post('/v1/requests', '{"scope":["true"],"reason":"x"}', s.credential),
        403,
        'ERR_SERVER_FORBIDDEN',
      ],
      [post('/v1/requests/req_nope/approve', '{}', s.credential), 404, 'ERR_REQUEST_NOT_FOUND'],
      [fetch(`${s.server.url}/v1/nowhere`), 404, 'ERR_SERVER_NOT_FOUND'],
      [
        fetch(`${s.server.url}/v1/delegations`, {
          headers: { authorization: `Bearer ${s.coder}` },
        }),
        403,
        'ERR_SERVER_FORBIDDEN',
      ],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      const body = (await res.json()) as { code: string; message: string };
      expect({ status: res.status, code: body.code }).toEqual({ status, code });
      expect(body.message).not.toMatch(/at .*\.ts:\d+/);
    }
    const err = await new DelegatorClient(s.server.url, { credential: s.credential })
      .approve('req_nope')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ code: 'ERR_REQUEST_NOT_FOUND', status: 404 });
  });

  it('signs a person in through a one-time link: an HttpOnly, SameSite=Strict session that needs its CSRF token to change anything', async () => {
    const s = await service();
    const link = (bearer: string) =>
      fetch(`${s.server.url}/v1/signin-links`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}` },
      });
    expect((await link(s.planner)).status).toBe(403);
    const { url } = (await (await link(s.credential)).json()) as { url: string };
    expect(url).toMatch(new RegExp(`^${s.server.url}/v1/signin\\?code=[A-Za-z0-9_-]{43}$`));

    const signin = await fetch(url, { redirect: 'manual' });
    expect(signin.status).toBe(303);
    expect(signin.headers.get('location')).toBe('/');
    const cookie = signin.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(
      /^mandate_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(401);

    const session = cookie.split(';')[0] as string;
    const inbox = await fetch(`${s.server.url}/v1/inbox`, { headers: { cookie: session } });
    expect(inbox.status).toBe(200);
    const { csrfToken } = (await (
      await fetch(`${s.server.url}/v1/session`, { headers: { cookie: session } })
    ).json()) as {
      csrfToken: string;
    };
    const revoke = (headers: Record<string, string>) =>
      fetch(`${s.server.url}/v1/revoke`, {
        method: 'POST',
        headers: { cookie: session, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ target: s.coder, reason: 'from the console' }),
      });
    const forged = await revoke({});
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { message: string }).message).toMatch(/X-CSRF-Token/);
    const wrong = `${csrfToken.slice(0, -1)}${csrfToken.endsWith('A') ? 'B' : 'A'}`;
    expect((await revoke({ 'x-csrf-token': wrong })).status).toBe(403);
    expect((await revoke({ 'x-csrf-token': csrfToken })).status).toBe(201);

    await fetch(`${s.server.url}/v1/signout`, {
      method: 'POST',
      headers: { cookie: session, 'x-csrf-token': csrfToken },
    });
    expect((await fetch(`${s.server.url}/v1/inbox`, { headers: { cookie: session } })).status).toBe(
      401,
    );
  });

  it('serves on a Unix socket too', async () => {
    const delegator = await Delegator.inMemory({ watchIntervalMs: 0 });
    const credential = createOwnerCredential();
    const dir = mkdtempSync(join(tmpdir(), 'mandate-socket-'));
    const socket = join(dir, 'mandate.sock');
    const server = await listen(
      createServiceApp({ delegator, isOwner: ownerCheck(() => credential) }),
      { socket },
      () => delegator.close(),
    );
    running.push(server);
    expect(server.url).toBe(`unix:${socket}`);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          socketPath: socket,
          path: '/v1/inbox',
          headers: { authorization: `Bearer ${credential}` },
        },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer).toEqual({ status: 200, body: '[]' });
    await server.close({ graceMs: 100 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes itself with an OpenAPI document built from the schemas it validates with', async () => {
    const s = await service();
    const doc = (await (await fetch(`${s.server.url}/v1/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { required?: string[] }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/requests/{id}/approve');
    expect(doc.components.schemas['createRequest']?.required).toEqual(['scope', 'reason']);
  });
});

interface SseEvent {
  readonly event: string;
  readonly id?: string;
  readonly data: Record<string, unknown>;
}

/** The events of an SSE response, one `next()` at a time, data parsed. */
function sseEvents(res: Response): { next(): Promise<SseEvent> } {
  const events = readEvents(res.body as ReadableStream<Uint8Array>);
  return {
    async next() {
      const next = await events.next();
      if (next.done === true) throw new Error('the stream ended');
      const value: ServerSentEvent = next.value;
      return { ...value, data: JSON.parse(value.data) as Record<string, unknown> };
    },
  };
}

/** Waits (a few seconds at most) until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(done()).toBe(true);
}
