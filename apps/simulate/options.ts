import { parseArgs } from 'node:util'

/** What a simulation run is asked to do. The same options and seed give the same report. */
export interface SimulationOptions {
  readonly listings: number
  readonly guests: number
  readonly days: number
  readonly seed: number
  /** Share of card payments (checkouts, retries, off-session top-ups) that the payer's bank declines. */
  readonly paymentFailureRate: number
  /** First day simulated, YYYY-MM-DD (UTC midnight). */
  readonly start: string
}

export const defaultOptions: SimulationOptions = {
  listings: 1_000,
  guests: 5_000,
  days: 90,
  seed: 1,
  paymentFailureRate: 0.05,
  start: '2026-01-01',
}

/** scrypt cost for the simulated users' passwords: far below production (2^17), so 50k sign-ups take seconds. */
export const SIMULATION_PASSWORD_COST = 2

/** What the command line asks for besides the simulation itself. */
export interface CliOptions {
  readonly simulation: SimulationOptions
  readonly json: boolean
  readonly reportFile: string | null
  readonly help: boolean
}

export const usage = `usage: npm run simulate -- [options]

  --listings N               listings in the marketplace (default ${defaultOptions.listings}, 1-200000)
  --guests N                 registered guests (default ${defaultOptions.guests}, 1-1000000)
  --days N                   days simulated (default ${defaultOptions.days}, 1-1095)
  --seed N                   seed of every random choice (default ${defaultOptions.seed}, 0-4294967295)
  --payment-failure-rate X   share of card payments declined (default ${defaultOptions.paymentFailureRate}, 0-1)
  --start YYYY-MM-DD         first day simulated (default ${defaultOptions.start})
  --json                     print the report as JSON on stdout instead of text
  --report FILE.html         also write a self-contained HTML report with charts
  -h, --help                 this help`

/** A command line the simulator refuses, with a message meant for the person who typed it. */
export class OptionsError extends Error {
  override readonly name = 'OptionsError'
}

const integer = (
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number => {
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw.trim())) throw new OptionsError(`--${name} must be a whole number, got "${raw}"`)
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new OptionsError(`--${name} must be between ${min} and ${max}, got ${raw}`)
  return n
}

const ratio = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new OptionsError(`--${name} must be a number from 0 to 1, got "${raw}"`)
  return n
}

const date = (name: string, raw: string | undefined, fallback: string): string => {
  if (raw === undefined) return fallback
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw)
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== raw)
    throw new OptionsError(`--${name} must be a date as YYYY-MM-DD, got "${raw}"`)
  const year = Number(m[1])
  if (year < 2000 || year > 2100)
    throw new OptionsError(`--${name} must be in the years 2000-2100, got ${raw}`)
  return raw
}

/** Parses and checks the command line; throws OptionsError with a clear message on anything off. */
export const parseCli = (argv: readonly string[]): CliOptions => {
  let values: Record<string, string | boolean | undefined>
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        listings: { type: 'string' },
        guests: { type: 'string' },
        days: { type: 'string' },
        seed: { type: 'string' },
        'payment-failure-rate': { type: 'string' },
        start: { type: 'string' },
        json: { type: 'boolean' },
        report: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }))
  } catch (e) {
    throw new OptionsError(e instanceof Error ? e.message : String(e))
  }
  if (positionals.length > 0) throw new OptionsError(`unexpected argument "${positionals[0]}"`)
  const str = (k: string): string | undefined => {
    const v = values[k]
    return typeof v === 'string' ? v : undefined
  }
  const report = str('report')
  if (report !== undefined && !/\.html?$/i.test(report))
    throw new OptionsError(`--report must name an .html file, got "${report}"`)
  return {
    simulation: {
      listings: integer('listings', str('listings'), defaultOptions.listings, 1, 200_000),
      guests: integer('guests', str('guests'), defaultOptions.guests, 1, 1_000_000),
      days: integer('days', str('days'), defaultOptions.days, 1, 1_095),
      seed: integer('seed', str('seed'), defaultOptions.seed, 0, 4_294_967_295),
      paymentFailureRate: ratio(
        'payment-failure-rate',
        str('payment-failure-rate'),
        defaultOptions.paymentFailureRate,
      ),
      start: date('start', str('start'), defaultOptions.start),
    },
    json: values.json === true,
    reportFile: report ?? null,
    help: values.help === true,
  }
}
