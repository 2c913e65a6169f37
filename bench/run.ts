import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as core from './core.js'
import * as memory from './memory.js'
import { type BenchReport, type BenchSuite, formatTable, writeResults } from './report.js'

/**
 * The suites `npm run bench` runs, in order. Each module exports `run({ quick })` resolving to a
 * BenchReport; add a suite here to have it run, printed and merged into the results file. A suite
 * that throws is reported and the others still run: as FAILED (exit code 1), or as skipped when it
 * is marked `optional` (it needs a service, such as Redis or RabbitMQ, that may not be running).
 */
export const suites: readonly BenchSuite[] = [
  { name: 'core', run: core.run },
  { name: 'memory', run: memory.run },
  { name: 'http', run: async (o) => (await import('./http/http.js')).run(o) },
  { name: 'http-twin', run: async (o) => (await import('./http/twin-cost.js')).run(o) },
  { name: 'http-contention', run: async (o) => (await import('./http/contention.js')).run(o) },
  { name: 'redis-adapters', run: async (o) => (await import('./redis-adapters.js')).run(o) },
  { name: 'amqp-events', run: async (o) => (await import('./amqp-events.js')).run(o) },
  { name: 'package', run: async (o) => (await import('./package.js')).run(o) },
  { name: 'soak', run: async (o) => (await import('./soak.js')).run(o) },
  // Needs MONGO_URL, or the local PostgreSQL to start FerretDB on.
  { name: 'mongo', run: async (o) => (await import('./mongo.js')).run(o), optional: true },
]

export const resultsPath = fileURLToPath(new URL('./results/latest.json', import.meta.url))

const usage = `usage: npm run bench -- [--quick] [--only NAME[,NAME…]]
  --quick   a short smoke run (smaller sizes, fewer operations)
  --only    run only these suites (${suites.map((s) => s.name).join(', ')})`

const main = async (): Promise<number> => {
  let values: { quick?: boolean; only?: string; help?: boolean }
  try {
    ;({ values } = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }))
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${usage}\n`)
    return 2
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`)
    return 0
  }
  const quick = values.quick === true
  const only = values.only?.split(',').map((s) => s.trim())
  const unknown = only?.filter((n) => !suites.some((s) => s.name === n)) ?? []
  if (unknown.length > 0) {
    process.stderr.write(`unknown suite(s): ${unknown.join(', ')}\n${usage}\n`)
    return 2
  }
  const chosen = suites.filter((s) => only === undefined || only.includes(s.name))
  const reports: BenchReport[] = []
  let failed = 0
  for (const suite of chosen) {
    const t = performance.now()
    process.stderr.write(`bench ${suite.name}${quick ? ' (quick)' : ''}…\n`)
    try {
      const report = await suite.run({ quick })
      reports.push(report)
      process.stdout.write(`${formatTable(report).join('\n')}\n`)
      process.stdout.write(`  (${((performance.now() - t) / 1000).toFixed(1)} s)\n\n`)
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e)
      if (suite.optional === true) process.stdout.write(`== ${suite.name}: skipped: ${why}\n\n`)
      else {
        failed++
        process.stdout.write(`== ${suite.name}: FAILED: ${why}\n\n`)
      }
    }
  }
  writeResults(resultsPath, reports, { at: new Date(), quick })
  process.stdout.write(`results: ${resultsPath}\n`)
  return failed > 0 ? 1 : 0
}

process.exitCode = await main()
