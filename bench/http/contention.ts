import { Agent, request } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { type BenchReport, type BenchSuite, fig, formatTable, percentile, writeResults } from '../report.js'
import { pool } from './fixture.js'
import { spawnServer } from './spawn.js'

/**
 * Contention over HTTP: `requests` guests, each signed in, ask for the same night of a one-unit
 * listing at the same moment (`POST /api/v1/bookings`, rate limits off, one connection each,
 * opened beforehand). Exactly one must get 201, every other one 409 (`nights_unavailable`), none a
 * 5xx; afterwards the public calendar must show the night with no unit left.
 *
 *   npx tsx bench/http/contention.ts [--requests 1000]
 */

export interface ContentionOptions {
  /** Concurrent booking requests, one guest each. */
  readonly requests: number
  /** scrypt cost of the guests' passwords (each signs in over HTTP before the burst). */
  readonly hashCost: number
}

export const fullContentionOptions: ContentionOptions = { requests: 1_000, hashCost: 2 ** 10 }
/** The smoke test's size. */
export const tinyContentionOptions: ContentionOptions = { requests: 50, hashCost: 2 ** 4 }

interface Answer {
  readonly status: number
  readonly code: string | null
  readonly ms: number
}

const send = (
  agent: Agent,
  url: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const req = request({ agent, host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })

const codeOf = (text: string): string | null => {
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null && 'code' in v && typeof v.code === 'string' ? v.code : null
  } catch {
    return null
  }
}

export const runContention = async (o: ContentionOptions): Promise<BenchReport> => {
  const server = await spawnServer([
    '--mode',
    'api',
    '--listings',
    '0',
    '--pool-listings',
    '0',
    '--guests',
    String(o.requests),
    '--search-queries',
    '0',
    '--hash-cost',
    String(o.hashCost),
  ])
  const agent = new Agent({
    keepAlive: true,
    maxSockets: Number.POSITIVE_INFINITY,
    maxFreeSockets: Number.POSITIVE_INFINITY,
  })
  try {
    const f = server.info.fixture
    if (f === null) throw new Error('the API server sent no fixture')
    const url = new URL(server.info.url)
    const target = f.contention
    // One connection per guest, opened (and kept alive) before the burst, so the burst is only requests.
    await pool(
      f.tokens.map((_, i) => i),
      o.requests,
      async () => {
        await send(agent, url, 'GET', '/health/live', {})
      },
    )
    const open = Object.values(agent.freeSockets).reduce((n, s) => n + (s?.length ?? 0), 0)

    const t0 = performance.now()
    const answers: (Answer | { readonly error: string; readonly ms: number })[] = await Promise.all(
      f.tokens.map(async (token, i) => {
        const started = performance.now()
        try {
          const r = await send(
            agent,
            url,
            'POST',
            '/api/v1/bookings',
            {
              'content-type': 'application/json',
              authorization: `Bearer ${token}`,
              'idempotency-key': `contention-${i}`,
            },
            JSON.stringify({
              listing_id: target.listingId,
              check_in: target.checkIn,
              check_out: target.checkOut,
              guests: 1,
            }),
          )
          return { status: r.status, code: codeOf(r.text), ms: performance.now() - started }
        } catch (e) {
          return { error: e instanceof Error ? e.message : String(e), ms: performance.now() - started }
        }
      }),
    )
    const wallMs = performance.now() - t0

    const calendar = await send(
      agent,
      url,
      'GET',
      `/api/v1/listings/${target.listingId}/calendar?from=${target.checkIn}&to=${target.checkOut}`,
      {},
    )
    const night = (JSON.parse(calendar.text) as { nights?: { available?: number; units?: number }[] })
      .nights?.[0]

    const count = (p: (a: Answer) => boolean) => answers.filter((a) => 'status' in a && p(a)).length
    const created = count((a) => a.status === 201)
    const conflicts = count((a) => a.status === 409)
    const unavailable = count((a) => a.status === 409 && a.code === 'nights_unavailable')
    const serverErrors = count((a) => a.status >= 500)
    const failed = answers.filter((a) => 'error' in a).length
    const other = o.requests - created - conflicts - serverErrors - failed
    const sorted = Float64Array.from(answers.map((a) => a.ms)).sort()
    const soldOnce = calendar.status === 200 && night?.available === 0 && night.units === 1
    const pass =
      created === 1 &&
      conflicts === o.requests - 1 &&
      unavailable === conflicts &&
      serverErrors === 0 &&
      failed === 0 &&
      soldOnce
    return {
      name: 'http-contention',
      rows: [
        {
          requests: o.requests,
          connections: open,
          'created (201)': created,
          'conflict (409)': conflicts,
          'of which nights_unavailable': unavailable,
          'server error (5xx)': serverErrors,
          other,
          'client errors': failed,
          'p50 ms': fig(percentile(sorted, 50)),
          'p95 ms': fig(percentile(sorted, 95)),
          'p99 ms': fig(percentile(sorted, 99)),
          'max ms': fig(sorted.length > 0 ? sorted[sorted.length - 1]! : 0),
          'burst ms': fig(wallMs),
          'night left': night?.available ?? -1,
          verdict: pass ? 'PASS' : 'FAIL',
        },
      ],
      notes: [
        `${o.requests} guests, each with its own access token and connection (opened before the burst), request the same night of a one-unit instant-book listing at once; rate limits off`,
        'PASS = exactly one 201, every other answer a 409 nights_unavailable, no 5xx, no connection error, and the public calendar shows the night with 0 of 1 unit left',
        'latency: from writing the request to the end of its response, per request, over the whole burst',
      ],
    }
  } finally {
    agent.destroy()
    await server.close()
  }
}

/** Quick and full runs both send the 1,000 requests: the burst itself takes about a second. */
export const run = (_options: { readonly quick: boolean }): Promise<BenchReport> =>
  runContention(fullContentionOptions)

export const contentionSuite: BenchSuite = { name: 'http-contention', run }

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'http.json')

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '1000' } } })
  const report = await runContention({ ...fullContentionOptions, requests: Number(values.requests) })
  for (const line of formatTable(report)) process.stdout.write(`${line}\n`)
  writeResults(RESULTS, [report], { at: new Date(), quick: false })
  if (report.rows[0]?.verdict !== 'PASS') process.exitCode = 1
}
