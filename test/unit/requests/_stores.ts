/** Stores for tests, closed (and their files removed) after each test of the file that uses them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createMemoryStore } from '../../../src/requests/store/memory-store.js';
import { openSqliteStore } from '../../../src/requests/store/sqlite-store.js';
import type { RequestStore } from '../../../src/requests/store/store.js';

/**
 * Makers of a fresh in-memory store and a fresh SQLite store in a temporary directory; call
 * at the top of a test file.
 */
export function temporaryStores(): { memory: () => RequestStore; sqlite: () => RequestStore } {
  const dirs: string[] = [];
  const stores: RequestStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    memory: () => {
      const store = createMemoryStore();
      stores.push(store);
      return store;
    },
    sqlite: () => {
      const dir = mkdtempSync(join(tmpdir(), 'mandate-store-'));
      dirs.push(dir);
      const store = openSqliteStore(join(dir, 'requests.db'));
      stores.push(store);
      return store;
    },
  };
}
