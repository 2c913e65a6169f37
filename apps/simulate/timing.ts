/** Latency figures of one operation, milliseconds. */
export interface LatencySummary {
  readonly count: number
  /** Calls per second of time spent in the operation (count ÷ total duration). */
  readonly opsPerSec: number
  readonly p50: number
  readonly p95: number
  readonly p99: number
  readonly max: number
  readonly totalMs: number
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!

const round3 = (x: number): number => Math.round(x * 1000) / 1000

/** Durations of the operations a simulation runs, by name (wall clock: timing is never deterministic). */
export class Timings {
  private readonly samples = new Map<string, { values: Float64Array; n: number; total: number }>()

  add(name: string, ms: number): void {
    let s = this.samples.get(name)
    if (s === undefined) {
      s = { values: new Float64Array(256), n: 0, total: 0 }
      this.samples.set(name, s)
    }
    if (s.n === s.values.length) {
      const grown = new Float64Array(s.values.length * 2)
      grown.set(s.values)
      s.values = grown
    }
    s.values[s.n++] = ms
    s.total += ms
  }

  /** Runs `f` and records how long it took under `name`. */
  async time<A>(name: string, f: () => Promise<A>): Promise<A> {
    const t = performance.now()
    try {
      return await f()
    } finally {
      this.add(name, performance.now() - t)
    }
  }

  summary(): Record<string, LatencySummary> {
    const out: Record<string, LatencySummary> = {}
    for (const [name, s] of [...this.samples].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const sorted = s.values.slice(0, s.n).sort()
      out[name] = {
        count: s.n,
        opsPerSec: s.total > 0 ? Math.round((s.n * 1000) / s.total) : 0,
        p50: round3(percentile(sorted, 50)),
        p95: round3(percentile(sorted, 95)),
        p99: round3(percentile(sorted, 99)),
        max: round3(s.n > 0 ? sorted[s.n - 1]! : 0),
        totalMs: Math.round(s.total),
      }
    }
    return out
  }
}
