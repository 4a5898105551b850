/**
 * Builders of store records for the store and lifecycle unit tests: a pending request with
 * sensible defaults, and audit inputs.
 */
import type { AuditInput, RequestRecord } from '../../../src/requests/store/model.js';

let counter = 0;

/** A pending request record; `overrides` replace any field. */
export function pendingRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  counter += 1;
  return {
    id: `req_test${counter}`,
    version: 1,
    status: 'pending',
    requester: 'coder',
    grantor: 'planner',
    token: `token-${counter}`,
    scope: ['tool == "fs.write"'],
    reason: 'save the fix',
    call: null,
    idempotencyKey: `key-${counter}`,
    createdAt: 1_000 + counter,
    expiresAt: 3_600_000,
    interval: 5,
    lastPolledAt: null,
    escalationOf: null,
    escalation: null,
    outcome: null,
    decidedBy: null,
    decidedAt: null,
    policyId: null,
    ...overrides,
  };
}

/** An audit input of `kind` for `requestId`. */
export function auditInput(
  kind: AuditInput['kind'],
  overrides: Partial<AuditInput> = {},
): AuditInput {
  return {
    at: 2_000,
    kind,
    actor: 'owner',
    subject: 'coder',
    requestId: null,
    details: {},
    ...overrides,
  };
}
