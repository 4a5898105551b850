// The audit chain detects tampering: changing any field of any entry, dropping an entry, or
// swapping two, in a random log, is always reported, and at the first entry affected. And the
// in-memory store's indexed audit queries answer exactly what filtering the whole log would.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, chainEntries, verifyAuditChain } from '../../../src/requests/store/audit.js';
import { createMemoryStore } from '../../../src/requests/store/memory-store.js';
import type { AuditEntry, AuditFilter, AuditInput } from '../../../src/requests/store/model.js';

const RUNS = Number(process.env['MANDATE_PROPERTY_RUNS'] ?? 200);

const input: fc.Arbitrary<AuditInput> = fc.record({
  at: fc.integer({ min: 0, max: 2 ** 45 }),
  kind: fc.constantFrom('request' as const, 'approve' as const, 'deny' as const, 'mint' as const),
  actor: fc.constantFrom('owner', 'planner', 'coder', 'system'),
  subject: fc.option(fc.constantFrom('owner', 'planner', 'coder'), { nil: null }),
  requestId: fc.option(
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 4, maxLength: 8 }),
    { nil: null },
  ),
  details: fc.dictionary(
    fc.string({ maxLength: 5 }),
    fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
    { maxKeys: 3 },
  ),
});

describe('audit chain', () => {
  it('verifies as written and reports any edit at its entry', () => {
    fc.assert(
      fc.property(
        fc.array(input, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.constantFrom('at', 'kind', 'actor', 'subject', 'requestId', 'details'),
        (inputs, pick, field) => {
          const log = chainEntries(0, GENESIS_HASH, inputs);
          expect(verifyAuditChain(log)).toMatchObject({ ok: true, count: log.length });
          const i = pick % log.length;
          const entry = log[i] as AuditEntry;
          const changed: Record<string, unknown> = {
            at: entry.at + 1,
            kind: entry.kind === 'deny' ? 'approve' : 'deny',
            actor: `${entry.actor}x`,
            subject: entry.subject === null ? 'owner' : null,
            requestId: entry.requestId === null ? 'r' : `${entry.requestId}0`,
            details: { ...entry.details, tampered: true },
          };
          const forged = [...log];
          forged[i] = Object.assign({}, entry, { [field]: changed[field] });
          expect(verifyAuditChain(forged)).toMatchObject({ ok: false, seq: entry.seq });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reports a dropped or swapped entry', () => {
    fc.assert(
      fc.property(fc.array(input, { minLength: 2, maxLength: 12 }), fc.nat(), (inputs, pick) => {
        const log = chainEntries(0, GENESIS_HASH, inputs);
        const i = pick % (log.length - 1);
        const dropped = log.filter((_, j) => j !== i);
        expect(verifyAuditChain(dropped).ok).toBe(false);
        const swapped = [...log];
        [swapped[i], swapped[i + 1]] = [swapped[i + 1] as AuditEntry, swapped[i] as AuditEntry];
        expect(verifyAuditChain(swapped)).toMatchObject({ ok: false, seq: i + 2 });
      }),
      { numRuns: RUNS },
    );
  });

  it('answers an indexed query as a filter over the whole log would', async () => {
    const filter: fc.Arbitrary<AuditFilter> = fc.record(
      {
        afterSeq: fc.nat({ max: 14 }),
        since: fc.integer({ min: 0, max: 2 ** 45 }),
        until: fc.integer({ min: 0, max: 2 ** 45 }),
        requestId: fc.constantFrom('0000', 'abcd', '1234'),
        principal: fc.constantFrom('owner', 'planner', 'coder', 'system'),
        kind: fc.constantFrom('request' as const, 'approve' as const),
        limit: fc.nat({ max: 5 }),
      },
      { requiredKeys: [] },
    );
    const withIds = input.map((i) =>
      i.requestId === null
        ? i
        : { ...i, requestId: i.requestId.slice(0, 1) === 'a' ? 'abcd' : i.requestId },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(withIds, { maxLength: 12 }), filter, async (inputs, f) => {
        const store = createMemoryStore();
        const log = await store.appendAudit(inputs);
        const expected = log
          .filter(
            (e) =>
              e.seq > (f.afterSeq ?? 0) &&
              (f.since === undefined || e.at >= f.since) &&
              (f.until === undefined || e.at < f.until) &&
              (f.requestId === undefined || e.requestId === f.requestId) &&
              (f.principal === undefined || e.actor === f.principal || e.subject === f.principal) &&
              (f.kind === undefined || e.kind === f.kind),
          )
          .slice(0, f.limit ?? Infinity);
        expect(await store.queryAudit(f)).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });
});
