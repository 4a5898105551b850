// How much work one decision does in a fresh process (what every CLI command is): an agent
// grantor's approval decodes at most two macaroons (its own token and the requester's, as
// stored), verifies at most two HMAC chains, and parses each condition text at most once. The
// macaroon codec, the signature check and the DSL parser are the real ones, wrapped only to
// count their calls; the store is prepared by another process so that no cache here is warm.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ decode: 0, verify: 0, parsed: [] as string[] }));

vi.mock('../../../src/macaroon/codec.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/macaroon/codec.js')>();
  return {
    ...real,
    decodeMacaroon: (...args: Parameters<typeof real.decodeMacaroon>) => {
      calls.decode += 1;
      return real.decodeMacaroon(...args);
    },
  };
});
vi.mock('../../../src/macaroon/verify.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/macaroon/verify.js')>();
  return {
    ...real,
    verifyMacaroonSignature: (...args: Parameters<typeof real.verifyMacaroonSignature>) => {
      calls.verify += 1;
      return real.verifyMacaroonSignature(...args);
    },
  };
});
vi.mock('../../../src/scope/parse.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/scope/parse.js')>();
  return {
    ...real,
    parseCaveat: (...args: Parameters<typeof real.parseCaveat>) => {
      calls.parsed.push(args[0]);
      return real.parseCaveat(...args);
    },
  };
});

const { Delegator } = await import('../../../src/requests/index.js');

const dir = mkdtempSync(join(tmpdir(), 'mandate-work-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('one agent approval in a fresh process', () => {
  it('decodes three macaroons, verifies three chains and parses each condition text once', async () => {
    const path = join(dir, 'requests.db');
    const fixture = join(import.meta.dirname, 'fixtures', 'pending-approval.ts');
    const out = execFileSync(process.execPath, ['--import', 'tsx', fixture, path], {
      encoding: 'utf8',
    });
    const { planner, id } = JSON.parse(out) as { planner: string; id: string };

    const delegator = await Delegator.open({ path });
    try {
      calls.decode = 0;
      calls.verify = 0;
      calls.parsed.length = 0;
      const approved = await delegator.approve(id, { by: { token: planner } });
      expect(approved.status).toBe('approved');
      // The requester's token, the approver's, and the new one (read once: its hop id goes to
      // the audit log and the delegation tree).
      expect(calls.decode).toBeLessThanOrEqual(3);
      expect(calls.verify).toBeLessThanOrEqual(3);
      const twice = calls.parsed.filter((text, i) => calls.parsed.indexOf(text) !== i);
      expect(twice).toEqual([]);
      // The approval did real work: the tokens were read, and the new grant parsed.
      expect(calls.decode).toBe(3);
      expect(calls.parsed.length).toBeGreaterThan(0);
    } finally {
      await delegator.close();
    }
  });
});
