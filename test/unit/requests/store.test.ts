/**
 * The store contract (`_store-contract.ts`) on the memory and SQLite stores.
 */
import { storeContract } from './_store-contract.js';
import { temporaryStores } from './_stores.js';

const { memory, sqlite } = temporaryStores();

storeContract('memory', memory);
storeContract('sqlite', sqlite);
