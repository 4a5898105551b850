/**
 * The audit chain: it verifies as written, and each kind of tampering (edit, drop, reorder,
 * splice from another log) is reported at the entry where it happened.
 */
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, chainEntries, verifyAuditChain } from '../../../src/requests/store/audit.js';
import type { AuditEntry } from '../../../src/requests/store/model.js';
import { auditInput } from './_records.js';

function log(n: number): AuditEntry[] {
  return chainEntries(
    0,
    GENESIS_HASH,
    Array.from({ length: n }, (_, i) =>
      auditInput(i % 2 === 0 ? 'request' : 'approve', { at: i, details: { i } }),
    ),
  );
}

describe('verifyAuditChain', () => {
  it('accepts an empty log and a log as written', () => {
    expect(verifyAuditChain([])).toEqual({ ok: true, count: 0, head: GENESIS_HASH });
    const entries = log(5);
    expect(verifyAuditChain(entries)).toEqual({ ok: true, count: 5, head: entries[4]?.hash });
  });

  it('continues a chain from its last entry', () => {
    const first = log(2);
    const last = first[1] as AuditEntry;
    const more = chainEntries(last.seq, last.hash, [auditInput('deny')]);
    expect(more[0]?.seq).toBe(3);
    expect(verifyAuditChain([...first, ...more])).toMatchObject({ ok: true, count: 3 });
  });

  it('finds an edited entry', () => {
    const entries = log(4);
    entries[2] = { ...(entries[2] as AuditEntry), actor: 'mallory' };
    expect(verifyAuditChain(entries)).toEqual({
      ok: false,
      seq: 3,
      problem: 'content does not match its hash',
    });
  });

  it('finds a dropped entry and a reordering', () => {
    const entries = log(4);
    expect(verifyAuditChain([entries[0], entries[2], entries[3]] as AuditEntry[])).toMatchObject({
      ok: false,
      seq: 3,
    });
    expect(verifyAuditChain([entries[1], entries[0]] as AuditEntry[])).toMatchObject({
      ok: false,
      seq: 2,
    });
  });

  it('finds an entry rehashed in place without its successors', () => {
    const entries = log(3);
    const forged = chainEntries(1, (entries[0] as AuditEntry).hash, [
      auditInput('deny'),
    ])[0] as AuditEntry;
    expect(verifyAuditChain([entries[0], forged, entries[2]] as AuditEntry[])).toEqual({
      ok: false,
      seq: 3,
      problem: 'prevHash does not match the entry before',
    });
  });

  it('freezes what it chains', () => {
    const [entry] = log(1);
    expect(Object.isFrozen(entry)).toBe(true);
    expect(Object.isFrozen(entry?.details)).toBe(true);
  });
});
