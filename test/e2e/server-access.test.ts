// `POST /v1/access`: discovery for a verifier that holds no root key (the MCP gateway of an
// agent with only its token). Each named tool's status under the token, as the library's
// `accessForTools` gives it with the service's revocations; a token that does not verify gets
// the one 401; a body with too many names is refused before any work.
import { afterEach, describe, expect, it } from 'vitest';
import { Delegator, delegate } from '../../src/index.js';
import {
  DelegatorClient,
  ServiceError,
  createOwnerCredential,
  createServiceApp,
  listen,
  ownerCheck,
  type RunningService,
} from '../../src/server/index.js';

const running: RunningService[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close({ graceMs: 100 });
});

describe('POST /v1/access', () => {
  it('gives each tool’s status, the condition of a conditional one, and denies every tool of a revoked token', async () => {
    const delegator = await Delegator.inMemory();
    const credential = createOwnerCredential();
    const server = await listen(
      createServiceApp({ delegator, isOwner: ownerCheck(() => credential) }),
      { port: 0 },
      () => delegator.close(),
    );
    running.push(server);
    const planner = await delegator.mint({
      to: 'planner',
      conditions: ['tool in ["fs.read", "fs.write"]', 'args.path ~ "/repo/**"'],
      expiresIn: 3600,
    });
    const coder = delegate(planner, { to: 'coder', conditions: ['tool == "fs.read"'] }).token;
    const client = new DelegatorClient(server.url);

    expect(await client.access(coder, ['fs.read', 'fs.write', 'shell.run'], 'coder')).toEqual([
      { status: 'conditional', condition: 'args.path ~ "/repo/**"' },
      expect.objectContaining({
        status: 'denied',
        failures: [expect.objectContaining({ author: 'planner' })],
      }),
      expect.objectContaining({ status: 'denied' }),
    ]);
    // Another principal's token names its failure.
    const [stolen] = await client.access(coder, ['fs.read'], 'mallory');
    expect(stolen).toMatchObject({ status: 'denied', failures: [{ kind: 'principal' }] });

    await new DelegatorClient(server.url, { credential }).revoke(coder, 'leaked');
    const [revoked] = await client.access(coder, ['fs.read'], 'coder');
    expect(revoked).toMatchObject({ status: 'denied', revoked: { reason: 'leaked' } });

    await expect(client.access('garbage', ['fs.read'])).rejects.toMatchObject({
      code: 'ERR_SERVER_UNAUTHORIZED',
      status: 401,
    });
    const many = Array.from({ length: 257 }, (_, i) => `t.${i}`);
    const refused = await client.access(planner, many).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceError);
    expect(refused).toMatchObject({ code: 'ERR_SERVER_BAD_REQUEST', status: 400 });
  });
});
