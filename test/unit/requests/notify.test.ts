/**
 * Notifications: the audit tail dispatches each new entry once, in order, to listeners that
 * joined before it; it picks up entries written by another writer on its timer; and the event
 * queue behaves as an async iterator that ends on close, on break, and on abort.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../../../src/requests/store/memory-store.js';
import type { AuditEntry } from '../../../src/requests/store/model.js';
import { AuditTail, EventQueue } from '../../../src/requests/answers/notify.js';
import { auditInput } from './_records.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('AuditTail', () => {
  it('dispatches entries after each listener joined, once and in order', async () => {
    const store = createMemoryStore();
    await store.appendAudit([auditInput('mint')]);
    const tail = new AuditTail(store, { intervalMs: 0 });
    await tail.start();
    const early: number[] = [];
    tail.listen((e) => early.push(e.seq), await store.lastAuditSeq());
    await store.appendAudit([auditInput('request'), auditInput('approve')]);
    const late: number[] = [];
    tail.listen((e) => late.push(e.seq), await store.lastAuditSeq());
    await store.appendAudit([auditInput('deny')]);
    await Promise.all([tail.pump(), tail.pump(), tail.pump()]);
    await tail.pump();
    expect(early).toEqual([2, 3, 4]);
    expect(late).toEqual([4]);
    tail.close();
  });

  it('stops delivering to a listener that left and keeps going when one throws', async () => {
    const store = createMemoryStore();
    const errors: unknown[] = [];
    const tail = new AuditTail(store, { intervalMs: 0, onError: (e) => errors.push(e) });
    await tail.start();
    const got: AuditEntry[] = [];
    const stop = tail.listen((e) => got.push(e), 0);
    tail.listen(() => {
      throw new Error('listener bug');
    }, 0);
    await store.appendAudit([auditInput('mint')]);
    await tail.pump();
    stop();
    await store.appendAudit([auditInput('mint')]);
    await tail.pump();
    expect(got.map((e) => e.seq)).toEqual([1]);
    expect(errors).toHaveLength(2);
    tail.close();
  });

  it('picks up entries from another writer on its timer while someone listens', async () => {
    vi.useFakeTimers();
    const store = createMemoryStore();
    const tail = new AuditTail(store, { intervalMs: 100 });
    await tail.start();
    const got: number[] = [];
    tail.listen((e) => got.push(e.seq), 0);
    await store.appendAudit([auditInput('request')]);
    expect(got).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(got).toEqual([1]);
    tail.close();
    await store.appendAudit([auditInput('request')]);
    await vi.advanceTimersByTimeAsync(500);
    expect(got).toEqual([1]);
  });

  it('reads a long backlog in pages', async () => {
    const store = createMemoryStore();
    const tail = new AuditTail(store, { intervalMs: 0 });
    await tail.start();
    let count = 0;
    tail.listen(() => (count += 1), 0);
    await store.appendAudit(Array.from({ length: 2500 }, () => auditInput('mint')));
    await tail.pump();
    expect(count).toBe(2500);
    tail.close();
  });
});

describe('EventQueue', () => {
  it('delivers pushed values in order, buffered or awaited', async () => {
    const q = new EventQueue<number>();
    q.push(1);
    const pending = (async () => {
      const out: number[] = [];
      for await (const n of q) {
        out.push(n);
        if (out.length === 3) break;
      }
      return out;
    })();
    q.push(2);
    q.push(3);
    q.push(4);
    expect(await pending).toEqual([1, 2, 3]);
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('ends on close after the buffered values, and calls onClose once', async () => {
    let closed = 0;
    const q = new EventQueue<string>({ onClose: () => (closed += 1) });
    q.push('a');
    q.close();
    q.close();
    q.push('ignored');
    expect(await q.next()).toEqual({ value: 'a', done: false });
    expect(await q.next()).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });

  it('rejects a waiting next() with the abort reason', async () => {
    const controller = new AbortController();
    let closed = false;
    const q = new EventQueue<number>({ signal: controller.signal, onClose: () => (closed = true) });
    const waiting = q.next();
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(q.next()).rejects.toThrow('stop');
    expect(closed).toBe(true);
  });

  it('starts ended when the signal already aborted', async () => {
    const q = new EventQueue<number>({ signal: AbortSignal.abort(new Error('already')) });
    await expect(q.next()).rejects.toThrow('already');
  });
});
