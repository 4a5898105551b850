// A revocation made by another process sharing the SQLite store reaches this process's
// verifiers within the documented bound (the Delegator re-reads revocations every
// `revocationRefreshMs`), and a verifier elsewhere fed by the feed learns it on its next page.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Delegator, authorize, delegate } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mandate-revocation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const revoker = join(import.meta.dirname, 'fixtures', 'revoker.ts');
const REFRESH_MS = 100;

describe('a revocation made by another process', () => {
  it('is refused here once the refresh interval has passed', async () => {
    const path = join(dir, 'requests.db');
    const delegator = await Delegator.open({ path, revocationRefreshMs: REFRESH_MS });
    try {
      const planner = await delegator.mint({
        to: 'planner',
        conditions: ['tool ~ "fs.*"'],
        expiresIn: 3600,
      });
      const coder = delegate(planner, { to: 'coder', conditions: ['tool == "fs.read"'] }).token;
      const decide = () =>
        authorize(
          coder,
          { tool: 'fs.read', args: {}, principal: 'coder' },
          {
            rootKeys: delegator.rootKeys,
            revocations: delegator.revocations(),
            maxRevocationStaleness: 5,
          },
        );
      expect(decide().allowed).toBe(true);

      const tokenFile = join(dir, 'coder.token');
      writeFileSync(tokenFile, coder);
      const made = JSON.parse(
        execFileSync(
          process.execPath,
          ['--import', 'tsx', revoker, path, tokenFile, 'leaked in a log'],
          {
            encoding: 'utf8',
          },
        ),
      ) as { target: string };

      // The other process has committed; within one refresh interval (three, for a loaded machine)
      // this process's view has read it.
      await new Promise((resolve) => setTimeout(resolve, 3 * REFRESH_MS));
      const denied = decide();
      expect(denied.allowed).toBe(false);
      if (!denied.allowed)
        expect(denied.revoked).toMatchObject({
          target: made.target,
          by: 'owner',
          reason: 'leaked in a log',
        });
      expect((await delegator.delegations({ status: 'revoked' })).map((d) => d.grantee)).toEqual([
        'coder',
      ]);
    } finally {
      await delegator.close();
    }
  });
});
