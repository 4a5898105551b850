/**
 * The delegation tree and revocation contract (`_store-hops-contract.ts`) on the memory and
 * SQLite stores.
 */
import { storeHopsContract } from './_store-hops-contract.js';
import { temporaryStores } from './_stores.js';

const { memory, sqlite } = temporaryStores();

storeHopsContract('memory', memory);
storeHopsContract('sqlite', sqlite);
