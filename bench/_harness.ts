/**
 * A small, dependency-free benchmark harness. Every benchmark file measures mandate and its
 * peers in the same process, so the numbers that matter are the ratios, not the absolutes.
 */

export interface Measurement {
  readonly name: string;
  readonly opsPerSecond: number;
  /** Median time of one operation, in nanoseconds. */
  readonly medianNs: number;
  readonly samples: number;
}

export interface MeasureOptions {
  /** Total time to spend sampling, in milliseconds. Default 400. */
  readonly timeMs?: number;
  /** Warm-up time, in milliseconds. Default 100. */
  readonly warmupMs?: number;
}

/**
 * Runs `fn` repeatedly in batches and reports the median batch time per operation.
 * The batch size grows until one batch takes about a millisecond, so timer resolution
 * does not dominate fast operations.
 */
export function measure(
  name: string,
  fn: () => unknown,
  options: MeasureOptions = {},
): Measurement {
  const timeMs = options.timeMs ?? 400;
  const warmupMs = options.warmupMs ?? 100;
  let sink: unknown;
  const warmEnd = performance.now() + warmupMs;
  let batch = 1;
  while (performance.now() < warmEnd) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) sink = fn();
    if (performance.now() - t0 < 1) batch *= 2;
  }
  const perOp: number[] = [];
  const end = performance.now() + timeMs;
  let total = 0;
  let ops = 0;
  while (performance.now() < end || perOp.length < 5) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) sink = fn();
    const dt = performance.now() - t0;
    perOp.push((dt * 1e6) / batch);
    total += dt;
    ops += batch;
  }
  keep(sink);
  perOp.sort((a, b) => a - b);
  return {
    name,
    opsPerSecond: (ops / total) * 1000,
    medianNs: perOp[Math.floor(perOp.length / 2)] ?? NaN,
    samples: perOp.length,
  };
}

/** Measures an async operation one call at a time (for round trips in the millisecond range). */
export async function measureAsync(
  name: string,
  fn: () => Promise<unknown>,
  options: MeasureOptions = {},
): Promise<Measurement> {
  const timeMs = options.timeMs ?? 1000;
  const warmEnd = performance.now() + (options.warmupMs ?? 100);
  while (performance.now() < warmEnd) await fn();
  const times: number[] = [];
  const end = performance.now() + timeMs;
  while (performance.now() < end || times.length < 5) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) * 1e6);
  }
  const total = times.reduce((a, b) => a + b, 0);
  times.sort((a, b) => a - b);
  return {
    name,
    opsPerSecond: (times.length / total) * 1e9,
    medianNs: times[Math.floor(times.length / 2)] ?? NaN,
    samples: times.length,
  };
}

/**
 * `measureAsync` for several functions side by side: each is warmed up, then they take turns in
 * `rounds` short rounds, so a drift in the machine's load (or the JIT warming shared code) falls
 * on all of them alike. Each result's median is over all of its rounds' samples.
 */
export async function measureInterleaved(
  fns: Readonly<Record<string, () => Promise<unknown>>>,
  options: MeasureOptions & { readonly rounds?: number } = {},
): Promise<Measurement[]> {
  const names = Object.keys(fns);
  const rounds = options.rounds ?? 8;
  const timeMs = (options.timeMs ?? 2000) / rounds;
  for (const name of names) {
    const warmEnd = performance.now() + (options.warmupMs ?? 500);
    while (performance.now() < warmEnd) await fns[name]?.();
  }
  const times = new Map(names.map((n) => [n, [] as number[]]));
  for (let r = 0; r < rounds; r++)
    for (const name of names) {
      const fn = fns[name] as () => Promise<unknown>;
      const own = times.get(name) as number[];
      const end = performance.now() + timeMs;
      while (performance.now() < end) {
        const t0 = performance.now();
        await fn();
        own.push((performance.now() - t0) * 1e6);
      }
    }
  return names.map((name) => {
    const own = (times.get(name) as number[]).sort((a, b) => a - b);
    const total = own.reduce((a, b) => a + b, 0);
    return {
      name,
      opsPerSecond: (own.length / total) * 1e9,
      medianNs: own[Math.floor(own.length / 2)] ?? NaN,
      samples: own.length,
    };
  });
}

let blackhole: unknown;
function keep(value: unknown): void {
  blackhole = value;
  if (blackhole === Symbol.for('never')) console.log('');
}

/** Formats a duration in nanoseconds with a sensible unit. */
export function formatNs(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}

/** Prints a table of measurements; `extra` adds columns (sizes, ratios) per row name. */
export function report(
  title: string,
  rows: readonly Measurement[],
  extra: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): void {
  console.log(`\n## ${title}\n`);
  const extraKeys = [...new Set(Object.values(extra).flatMap((e) => Object.keys(e)))];
  const header = ['benchmark', 'ops/s', 'median', ...extraKeys];
  const lines = rows.map((r) => [
    r.name,
    Math.round(r.opsPerSecond).toLocaleString('en-US'),
    formatNs(r.medianNs),
    ...extraKeys.map((k) => extra[r.name]?.[k] ?? ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}

/** `a / b` as a ratio string, e.g. `3.2×`. */
export function ratio(a: Measurement, b: Measurement): string {
  return `${(a.opsPerSecond / b.opsPerSecond).toFixed(2)}×`;
}
