// The routes the console checks scopes with, as any client calls them: conditions checked as
// typed (canonical text, or the caret excerpt of the error); an approval checked as it is
// edited (the preview, a request it would allow beyond the denied call, the conditions that
// widen with **, a term the approval would be refused for), only for the request's grantor;
// and a principal's effective scope down its whole chain, simplified, for the owner only.
import { describe, expect, it } from 'vitest';
import { Delegator, delegate } from '../../../src/index.js';
import { compileCaveat } from '../../../src/scope/index.js';
import { createOwnerCredential, createServiceApp, ownerCheck } from '../../../src/server/index.js';

const CALL = { tool: 'fs.write', args: { path: '/repo/src/a.ts' } };

async function setup() {
  const delegator = await Delegator.inMemory();
  const credential = createOwnerCredential();
  const app = createServiceApp({ delegator, isOwner: ownerCheck(() => credential) });
  const coder = await delegator.mint({
    to: 'coder',
    conditions: ['tool == "fs.read"', 'args.path ~ "/repo/**"'],
    expiresIn: 3600,
  });
  const ticket = await delegator.request({
    token: coder,
    principal: 'coder',
    scope: ['tool == "fs.write"', 'args.path ~ "/repo/**"'],
    reason: 'write the fix',
    call: CALL,
  });
  const call = async (
    method: string,
    path: string,
    bearer: string | undefined,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await app.fetch(
      new Request(`http://local${path}`, {
        method,
        headers: {
          ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
          'content-type': 'application/json',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { delegator, credential, coder, id: ticket.id, call };
}

describe('POST /v1/scope/check', () => {
  it('gives each condition its canonical text, or the error with its caret excerpt', async () => {
    const { call, credential, coder } = await setup();
    const res = await call('POST', '/v1/scope/check', credential, {
      conditions: ['tool=="a"', 'args.n >> 1', 'to "x"'],
    });
    expect(res.status).toBe(200);
    const [ok, syntax, marker] = res.body['conditions'] as Record<string, unknown>[];
    expect(ok).toEqual({ text: 'tool=="a"', ok: true, condition: 'tool == "a"' });
    expect(syntax).toMatchObject({
      ok: false,
      error: { code: 'ERR_SCOPE_SYNTAX', line: 1, column: 9, excerpt: 'args.n >> 1\n        ^' },
    });
    expect(marker).toMatchObject({
      ok: false,
      error: {
        code: 'ERR_SCOPE_SYNTAX',
        message: expect.stringContaining('not a delegation marker') as unknown,
      },
    });
    expect(res.body['globstar']).toEqual([]);
    // Agents may check text too; nobody else.
    expect(
      (await call('POST', '/v1/scope/check', coder, { conditions: ['tool == "a"'] })).status,
    ).toBe(200);
    expect((await call('POST', '/v1/scope/check', undefined, { conditions: ['x'] })).status).toBe(
      401,
    );
    expect((await call('POST', '/v1/scope/check', credential, { conditions: [] })).status).toBe(
      400,
    );
  });

  it('names the conditions that widen with a ** glob, and only those', async () => {
    const { call, credential } = await setup();
    const res = await call('POST', '/v1/scope/check', credential, {
      conditions: [
        'args.path ~ "/repo/**"',
        'not (args.p !~ "x/**")',
        'args.path !~ "/secret/**"',
        'args.path ~ "/repo/*"',
        'all args.files ~ "src/**"',
      ],
    });
    expect(res.body['globstar']).toEqual([
      'args.path ~ "/repo/**"',
      'not args.p !~ "x/**"',
      'all args.files ~ "src/**"',
    ]);
  });
});

describe('POST /v1/requests/{id}/check', () => {
  it('previews the approval as asked, with a request it allows beyond the denied call', async () => {
    const { call, credential, id } = await setup();
    const res = await call('POST', `/v1/requests/${id}/check`, credential, {});
    expect(res.status).toBe(200);
    expect(res.body['conditions']).toEqual([
      { text: 'tool == "fs.write"', ok: true, condition: 'tool == "fs.write"' },
      { text: 'args.path ~ "/repo/**"', ok: true, condition: 'args.path ~ "/repo/**"' },
    ]);
    expect(res.body['preview']).toMatchObject({
      verdict: { contained: true },
      callAllowedAfter: true,
      timeBoxCut: false,
    });
    expect(res.body['globstar']).toEqual(['args.path ~ "/repo/**"']);
    expect(res.body['problem']).toBeNull();
    // The witness is something the approval allows, and it is not the call.
    const beyond = res.body['beyondCall'] as { tool: string; args: { path: string }; time: string };
    expect(beyond.tool).toBe('fs.write');
    expect(beyond.args.path).not.toBe(CALL.args.path);
    const effect = (res.body['preview'] as { effect: { alternatives: string[] } }).effect;
    const request = { tool: beyond.tool, args: beyond.args, time: new Date(beyond.time) };
    expect(effect.alternatives.some((a) => compileCaveat(a)(request))).toBe(true);
  });

  it('shows no witness when the grant is the call itself, and applies a time box', async () => {
    const { call, credential, id } = await setup();
    const before = Date.now();
    const res = await call('POST', `/v1/requests/${id}/check`, credential, {
      scope: ['tool == "fs.write"', 'args.path == "/repo/src/a.ts"'],
      expiresIn: 600,
    });
    expect(res.body['beyondCall']).toBeNull();
    expect(res.body['globstar']).toEqual([]);
    const preview = res.body['preview'] as { grantEnds: string; callAllowedAfter: boolean };
    expect(preview.callAllowedAfter).toBe(true);
    const ends = Date.parse(preview.grantEnds);
    expect(ends).toBeGreaterThanOrEqual(before + 600_000);
    expect(ends).toBeLessThanOrEqual(Date.now() + 600_000);
  });

  it('checks edited conditions first: a syntax error answers only that', async () => {
    const { call, credential, coder, id } = await setup();
    const scope = ['tool == "fs.write"', 'args.path ~ "/repo/src/**" and'];
    const res = await call('POST', `/v1/requests/${id}/check`, credential, { scope });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      preview: null,
      problem: null,
      beyondCall: null,
      globstar: [],
    });
    const checks = res.body['conditions'] as Record<string, unknown>[];
    expect(checks[0]).toMatchObject({ ok: true });
    expect(checks[1]).toMatchObject({
      ok: false,
      error: { code: 'ERR_SCOPE_SYNTAX', excerpt: expect.stringMatching(/and\n\s+\^$/) as unknown },
    });
    // The same answer for a caller who could not decide the request: nothing of it is read.
    expect((await call('POST', `/v1/requests/${id}/check`, coder, { scope })).body).toEqual(
      res.body,
    );
  });

  it('reports a grant beyond what was asked as a problem, not a failure', async () => {
    const { call, credential, id } = await setup();
    const res = await call('POST', `/v1/requests/${id}/check`, credential, {
      scope: ['tool ~ "fs.*"'],
    });
    expect(res.status).toBe(200);
    expect(res.body['preview']).toBeNull();
    expect(res.body['problem']).toMatchObject({ code: 'ERR_REQUEST_SCOPE_NOT_REQUESTED' });
  });

  it('is for the request grantor only, and says so for an unknown request', async () => {
    const { call, credential, coder, id } = await setup();
    expect((await call('POST', `/v1/requests/${id}/check`, coder, {})).status).toBe(403);
    // Terms refused for themselves, or terms beyond what was asked, tell no one but the
    // grantor anything of the request.
    for (const terms of [{ expiresIn: -5 }, { expiresIn: 1e15 }, { scope: ['true'] }]) {
      const res = await call('POST', `/v1/requests/${id}/check`, coder, terms);
      expect([400, 403]).toContain(res.status);
      expect(JSON.stringify(res.body)).not.toContain('fs.write');
    }
    expect((await call('POST', '/v1/requests/req_nope/check', credential, {})).status).toBe(404);
    expect((await call('POST', `/v1/requests/${id}/check`, undefined, {})).status).toBe(401);
  });
});

describe('GET /v1/scope/effective', () => {
  it("gives a principal's scope down its whole chain, simplified, while the delegation lives", async () => {
    const { delegator, call, credential, coder } = await setup();
    const planner = await delegator.mint({
      to: 'planner',
      conditions: ['tool in ["fs.read", "fs.write"]', 'args.path ~ "/repo/**"'],
      expiresIn: 3600,
    });
    const helper = delegate(planner, { to: 'helper', conditions: ['tool == "fs.read"'] }).token;
    // The Delegator learns of an offline hop when its token reaches it.
    await delegator.request({
      token: helper,
      principal: 'helper',
      scope: ['tool == "fs.list"'],
      reason: 'list',
    });

    const res = await call('GET', '/v1/scope/effective?principal=helper', credential);
    expect(res.status).toBe(200);
    const scope = res.body['scope'] as { alternatives: string[]; complete: boolean };
    expect(scope.complete).toBe(true);
    expect(scope.alternatives).toHaveLength(1);
    expect(scope.alternatives[0]).toMatch(
      /^tool == "fs\.read" and args\.path ~ "\/repo\/\*\*" and time < /,
    );
    expect(res.body['delegations']).toMatchObject([{ grantor: 'planner', block: 1 }]);

    await delegator.revoke(planner, { by: 'owner', reason: 'done' });
    const after = await call('GET', '/v1/scope/effective?principal=helper', credential);
    expect(after.body).toMatchObject({ delegations: [], scope: { alternatives: [] } });
    expect(
      (await call('GET', '/v1/scope/effective?principal=nobody', credential)).body,
    ).toMatchObject({
      delegations: [],
    });
    expect((await call('GET', '/v1/scope/effective?principal=helper', coder)).status).toBe(403);
    expect((await call('GET', '/v1/scope/effective', credential)).status).toBe(400);
  });
});
