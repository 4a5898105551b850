/**
 * The store contracts on PostgreSQL: the same suites the memory and SQLite stores pass
 * (`_store-contract.ts`, `_store-hops-contract.ts`), each test on a fresh schema of the run's
 * database, and the same answers as theirs over a random history (`_store-agreement.ts`). Runs under `npm run test:slow`, which needs PostgreSQL (`.ci/run` starts it).
 */
import { describe, it } from 'vitest';
import { temporaryPostgresStores } from '../../postgres/_database.js';
import { expectAgreement } from './_store-agreement.js';
import { storeHopsContract } from './_store-hops-contract.js';
import { storeContract } from './_store-contract.js';
import { temporaryStores } from './_stores.js';

const postgres = temporaryPostgresStores();
const { memory, sqlite } = temporaryStores();

storeContract('postgres', () => postgres());
storeHopsContract('postgres', () => postgres());

describe('memory, SQLite and PostgreSQL stores', () => {
  it('give the same answers over a random history of requests and decisions', async () => {
    await expectAgreement([memory(), sqlite(), await postgres()]);
  });
});
