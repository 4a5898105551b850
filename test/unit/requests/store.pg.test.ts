/**
 * The store contracts on PostgreSQL: the same suites the memory and SQLite stores pass
 * (`_store-contract.ts`, `_store-hops-contract.ts`), each test on a fresh schema of the run's
 * database. Runs under `npm run test:slow`, which needs PostgreSQL (`.ci/run` starts it).
 */
import { temporaryPostgresStores } from '../../postgres/_database.js';
import { storeHopsContract } from './_store-hops-contract.js';
import { storeContract } from './_store-contract.js';

const postgres = temporaryPostgresStores();

storeContract('postgres', () => postgres());
storeHopsContract('postgres', () => postgres());
