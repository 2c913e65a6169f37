import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** What one benchmark suite reports: a table (one row per measurement) and notes on how to read it. */
export interface BenchReport {
  readonly name: string
  readonly rows: Array<Record<string, string | number>>
  readonly notes?: string[]
}

/** What every suite exports: `run({ quick })` measures and returns its report. */
export interface BenchSuite {
  readonly name: string
  run(options: { readonly quick: boolean }): Promise<BenchReport>
  /** Needs a service that may be absent (a broker, a server): a failure is reported as skipped. */
  readonly optional?: boolean
}

/** Percentile (nearest rank) of a sample, in the sample's unit; 0 for an empty sample. */
export const percentile = (sorted: ArrayLike<number>, p: number): number => {
  if (sorted.length === 0) return 0
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

/** A growable sample of durations in milliseconds, with the summary the tables print. */
export class Sample {
  private values = new Float64Array(1024)
  private n = 0
  private total = 0

  add(ms: number): void {
    if (this.n === this.values.length) {
      const next = new Float64Array(this.values.length * 2)
      next.set(this.values)
      this.values = next
    }
    this.values[this.n++] = ms
    this.total += ms
  }

  get count(): number {
    return this.n
  }

  /** Sum of the durations, ms. */
  get totalMs(): number {
    return this.total
  }

  summary(): { count: number; opsPerSec: number; p50: number; p95: number; p99: number; max: number } {
    const sorted = this.values.slice(0, this.n).sort()
    return {
      count: this.n,
      opsPerSec: this.total > 0 ? (this.n * 1000) / this.total : 0,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: this.n > 0 ? sorted[this.n - 1]! : 0,
    }
  }
}

/** Rounds for a table: 3 significant decimals below 10, 1 decimal below 1000, else whole. */
export const fig = (x: number): number =>
  !Number.isFinite(x)
    ? 0
    : Math.abs(x) < 10
      ? Math.round(x * 1000) / 1000
      : Math.abs(x) < 1000
        ? Math.round(x * 10) / 10
        : Math.round(x)

/** The report as a plain-text table with its notes, for a terminal. */
export const formatTable = (report: BenchReport): string[] => {
  const out = [`== ${report.name} ${'='.repeat(Math.max(0, 70 - report.name.length))}`]
  const columns: string[] = []
  for (const row of report.rows) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k)
  const cell = (v: string | number | undefined): string =>
    v === undefined ? '' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 3 }) : v
  const widths = columns.map((c) => Math.max(c.length, ...report.rows.map((r) => cell(r[c]).length)))
  const line = (values: string[]) =>
    values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ')
  if (columns.length > 0) {
    out.push(line(columns))
    out.push(widths.map((w) => '-'.repeat(w)).join('  '))
    for (const row of report.rows) out.push(line(columns.map((c) => cell(row[c]))))
  }
  for (const note of report.notes ?? []) out.push(`  * ${note}`)
  return out
}

/** The file every run writes: each suite's latest report, merged by suite name. */
export interface ResultsFile {
  readonly updatedAt: string
  readonly suites: Record<string, BenchReport & { readonly at: string; readonly quick: boolean }>
}

/**
 * Merges `reports` into the JSON file at `path` (created with its folder if missing; an unreadable
 * file is replaced), so suites run separately still end up side by side. Returns what was written.
 */
export const writeResults = (
  path: string,
  reports: readonly BenchReport[],
  meta: { readonly at: Date; readonly quick: boolean },
): ResultsFile => {
  let suites: ResultsFile['suites'] = {}
  try {
    const old: unknown = JSON.parse(readFileSync(path, 'utf8'))
    if (typeof old === 'object' && old !== null && 'suites' in old) {
      const s = (old as { suites: unknown }).suites
      if (typeof s === 'object' && s !== null) suites = { ...(s as ResultsFile['suites']) }
    }
  } catch {
    // No previous results, or not ours: start afresh.
  }
  const at = meta.at.toISOString()
  for (const r of reports) suites[r.name] = { ...r, at, quick: meta.quick }
  const file: ResultsFile = { updatedAt: at, suites }
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`)
  return file
}
