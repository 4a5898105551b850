/**
 * One service instance for the benchmarks, in a process of its own: the Delegator on the store
 * named by its argument (`postgres://…`, or a SQLite file path) with the keys kept in that store,
 * served over HTTP on 127.0.0.1 with rate limits out of the way. The owner credential comes from
 * `MANDATE_BENCH_OWNER`. Prints its URL on one line, serves until SIGTERM.
 */
import { Delegator } from '../src/requests/index.js';
import { createServiceApp, listen, ownerCheck } from '../src/server/index.js';

const [store] = process.argv.slice(2);
const credential = process.env['MANDATE_BENCH_OWNER'] ?? '';
if (store === undefined || credential === '') throw new Error('usage: _service.ts <store>');
const delegator = await Delegator.open(
  store.startsWith('postgres') ? { url: store } : { path: store },
);
const server = await listen(
  createServiceApp({
    delegator,
    isOwner: ownerCheck(() => credential),
    limits: { callsPerSecond: 1e6, burst: 1e6, maxStreamsPerCaller: 1e6 },
  }),
  { port: 0 },
  () => delegator.close(),
);
console.log(server.url);
process.once('SIGTERM', () => void server.close({ graceMs: 100 }).then(() => process.exit(0)));
