/**
 * Macaroon layer benchmark: decode + verify of v2 tokens with 1, 5 and 20 first-party caveats,
 * next to the same tokens verified by macaroons.js (v1, the libmacaroons port) and by the
 * `macaroon` npm package (v2 binary import + verify), all in this process; the bare HMAC chain
 * (N+1 HMACs) as the floor; mint/attenuate/encode costs; and heap use over a million
 * verifications. Run with `npm run bench -- macaroon` (which passes --expose-gc).
 */
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { measure, type Measurement, ratio, report } from './_harness.js';
import {
  addFirstPartyCaveat,
  createMacaroon,
  decodeMacaroon,
  encodeMacaroon,
  encodeMacaroonBinary,
  type Macaroon,
  verifyMacaroon,
  verifyMacaroonSignature,
} from '../src/macaroon/index.js';
import { hmacInto, hmacKeyFromWords, newHmacKey } from '../src/macaroon/_hmac.js';

interface MacaroonsJs {
  MacaroonsBuilder: { deserialize(text: string): unknown };
  MacaroonsVerifier: new (m: unknown) => {
    satisfyGeneral(f: (caveat: string) => boolean): unknown;
    isValid(secret: string): boolean;
  };
}
interface JsMacaroon {
  verify(
    rootKey: Uint8Array,
    check: (caveat: string) => string | null,
    discharges?: unknown[],
  ): void;
  addFirstPartyCaveat(caveat: Uint8Array): void;
  exportJSON(): unknown;
}
interface MacaroonPkg {
  newMacaroon(params: {
    identifier: Uint8Array;
    location: string;
    rootKey: Uint8Array;
    version: number;
  }): JsMacaroon;
  importMacaroon(bytes: Uint8Array): JsMacaroon;
}

const require = createRequire(import.meta.url);
const macaroonsJs = require('macaroons.js') as MacaroonsJs;
const macaroonPkg = require('macaroon') as MacaroonPkg;

const ROOT_KEY = 'a root key the owner keeps: 32 bytes or more of it';
const utf8 = new TextEncoder();

/** Caveats shaped like mandate's (scope DSL statements of 20–60 bytes). */
function caveat(i: number): string {
  const kinds = [
    `tool in ["bank.list_transactions", "bank.get_balance"]`,
    `args.amount <= ${100 + i}`,
    `time < 2026-12-01T00:00:00Z`,
    `to "agent-${i}"`,
    `args.path ~ "/home/ana/project/**"`,
  ];
  return kinds[i % kinds.length]!;
}

function mint(n: number): Macaroon {
  let m = createMacaroon({
    rootKey: ROOT_KEY,
    identifier: 'md1.key-1.9f2c4e1a7b3d',
    location: 'https://mandate.example',
  });
  for (let i = 0; i < n; i++) m = addFirstPartyCaveat(m, caveat(i));
  return m;
}

function assert(ok: boolean, what: string): void {
  if (!ok) throw new Error(`benchmark setup failed: ${what}`);
}

/**
 * Measures each contender ROUNDS times, interleaved, and keeps each one's best run: on a
 * shared or virtual machine a burst of noise then hits every contender alike instead of
 * whichever happened to be running.
 */
const ROUNDS = 3;
function bestOf(contenders: readonly (readonly [string, () => unknown])[]): Measurement[] {
  const best = new Map<string, Measurement>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of contenders) {
      const m = measure(name, fn, { timeMs: 300 });
      const prior = best.get(name);
      if (prior === undefined || m.opsPerSecond > prior.opsPerSecond) best.set(name, m);
    }
  }
  return contenders.map(([name]) => best.get(name)!);
}

const accept = (): boolean => true;
const rows: Measurement[] = [];
const extra: Record<string, Record<string, string>> = {};
const sizes: Measurement[] = [];
const sizeExtra: Record<string, Record<string, string>> = {};
const summary: string[] = [];

for (const n of [1, 5, 20]) {
  const m = mint(n);
  const v2 = encodeMacaroon(m);
  const v1 = encodeMacaroon(m, { format: 'v1' });
  const v2j = encodeMacaroon(m, { format: 'v2j' });
  const binary = encodeMacaroonBinary(m);

  // The macaroon package's token, built by that package and carried over through its JSON form.
  const theirs = macaroonPkg.newMacaroon({
    identifier: utf8.encode('md1.key-1.9f2c4e1a7b3d'),
    location: 'https://mandate.example',
    rootKey: utf8.encode(ROOT_KEY),
    version: 2,
  });
  for (let i = 0; i < n; i++) theirs.addFirstPartyCaveat(utf8.encode(caveat(i)));
  const theirBinary = encodeMacaroonBinary(decodeMacaroon(JSON.stringify(theirs.exportJSON())));
  assert(Buffer.from(theirBinary).equals(Buffer.from(binary)), 'macaroon package token differs');

  // Every contender must accept its token before it is timed.
  verifyMacaroon(decodeMacaroon(v2), ROOT_KEY, { check: accept });
  const jsVerifier = new macaroonsJs.MacaroonsVerifier(
    macaroonsJs.MacaroonsBuilder.deserialize(v1),
  );
  jsVerifier.satisfyGeneral(accept);
  assert(jsVerifier.isValid(ROOT_KEY), 'macaroons.js rejects the v1 token');
  macaroonPkg.importMacaroon(theirBinary).verify(utf8.encode(ROOT_KEY), () => null);

  // The floor: the N+1 HMACs of the chain alone, with mandate's HMAC and with node:crypto.
  const inputs = [
    utf8.encode('md1.key-1.9f2c4e1a7b3d'),
    ...Array.from({ length: n }, (_, i) => utf8.encode(caveat(i))),
  ];
  const key = newHmacKey();
  const sig = new Int32Array(8);
  const nodeKey = Buffer.alloc(32, 7);

  const [ours, fast, js, pkg, floor, nodeFloor] = bestOf([
    [
      `mandate decode+verify (${n})`,
      () => verifyMacaroon(decodeMacaroon(v2), ROOT_KEY, { check: accept }),
    ],
    [
      `mandate decode+verifySignature (${n})`,
      () => verifyMacaroonSignature(decodeMacaroon(v2), ROOT_KEY),
    ],
    [
      `macaroons.js deserialize+isValid (${n})`,
      () => {
        const v = new macaroonsJs.MacaroonsVerifier(macaroonsJs.MacaroonsBuilder.deserialize(v1));
        v.satisfyGeneral(accept);
        if (!v.isValid(ROOT_KEY)) throw new Error('rejected');
      },
    ],
    [
      `macaroon import+verify (${n})`,
      () => macaroonPkg.importMacaroon(theirBinary).verify(utf8.encode(ROOT_KEY), () => null),
    ],
    [
      `HMAC chain floor, mandate HMAC (${n + 1})`,
      () => {
        for (const input of inputs) {
          hmacKeyFromWords(sig, key);
          hmacInto(key, input, 0, input.length, sig);
        }
        return sig;
      },
    ],
    [
      `HMAC chain floor, node:crypto (${n + 1})`,
      () => {
        let k: Buffer = nodeKey;
        for (const input of inputs) k = createHmac('sha256', k).update(input).digest();
        return k;
      },
    ],
  ]) as [Measurement, Measurement, Measurement, Measurement, Measurement, Measurement];

  rows.push(ours, fast, js, pkg, floor, nodeFloor);
  for (const r of [ours, fast, js, pkg, floor, nodeFloor])
    extra[r.name] = { 'vs macaroons.js': ratio(r, js) };
  summary.push(
    `${n} caveats: mandate ${ratio(ours, js)} macaroons.js, ${ratio(ours, pkg)} macaroon; fast path ${ratio(fast, js)}`,
  );

  const attenuate = measure(`mint + attenuate ×${n}`, () => mint(n));
  const encode = measure(`encode v2 (${n})`, () => encodeMacaroon(m));
  const decode = measure(`decode v2 (${n})`, () => decodeMacaroon(v2));
  const decoded = decodeMacaroon(v2);
  const verify = measure(`verify only (${n})`, () =>
    verifyMacaroon(decoded, ROOT_KEY, { check: accept }),
  );
  sizes.push(attenuate, encode, decode, verify);
  sizeExtra[attenuate.name] = {
    'v2 binary': `${binary.length} B`,
    'v2 text': `${v2.length} B`,
    v2j: `${v2j.length} B`,
    v1: `${v1.length} B`,
  };
}

report(
  `decode + verify, v2 tokens with N first-party caveats (peers in the same process, best of ${ROUNDS} interleaved runs)`,
  rows,
  extra,
);
report('lifecycle steps by size (encoded sizes on the mint row)', sizes, sizeExtra);
console.log(`\n${summary.join('\n')}`);

// Heap over a million verifications: a leak or a growing cache would show as growth here.
const exposed = (globalThis as { gc?: () => void }).gc;
if (exposed === undefined) setFlagsFromString('--expose-gc');
const gc = exposed ?? (runInNewContext('gc') as () => void);
const token = encodeMacaroon(mint(5));
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
for (let i = 0; i < 50_000; i++) verifyMacaroon(decodeMacaroon(token), ROOT_KEY, { check: accept });
const before = heap();
const marks: string[] = [];
const t0 = performance.now();
for (let i = 1; i <= 1_000_000; i++) {
  verifyMacaroon(decodeMacaroon(token), ROOT_KEY, { check: accept });
  if (i % 250_000 === 0)
    marks.push(`${(i / 1000).toFixed(0)}k: ${((heap() - before) / 1024).toFixed(0)} KiB`);
}
const seconds = (performance.now() - t0) / 1000;
console.log(`\n## heap over 1,000,000 decode+verify (5 caveats), heapUsed after gc minus start\n`);
console.log(
  `start ${(before / 1024 / 1024).toFixed(1)} MiB; ${marks.join('; ')} (${seconds.toFixed(1)} s)`,
);
