import { describe, expect, it } from 'vitest'
import { runContention, tinyContentionOptions } from '../../bench/http/contention.js'
import { runHttpBench, TARGETS, tinyHttpOptions } from '../../bench/http/http.js'

/**
 * Smoke run of the HTTP benchmarks (bench/http), so they cannot rot: the real servers in their own
 * processes, autocannon, a fraction of a second per route, and a contention burst of 50. Figures are
 * not judged here (no timed assertions); shape and correctness are.
 */

const REDIS_URL = process.env.INNKEEPER_REDIS_URL ?? 'redis://127.0.0.1:6379'

describe('bench/http smoke', () => {
  it('contention: of 50 simultaneous bookings of the same night of a one-unit listing over HTTP, exactly one gets 201 and 49 get 409 nights_unavailable, none a 5xx', async () => {
    const report = await runContention(tinyContentionOptions)
    expect(report.name).toBe('http-contention')
    const row = report.rows[0]!
    expect(row).toMatchObject({
      requests: 50,
      connections: 50,
      'created (201)': 1,
      'conflict (409)': 49,
      'of which nights_unavailable': 49,
      'server error (5xx)': 0,
      other: 0,
      'client errors': 0,
      'night left': 0,
      verdict: 'PASS',
    })
    for (const k of ['p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'burst ms']) expect(row[k]).toBeGreaterThan(0)
  })

  it('http: every route is measured on the bare twin and on each API variant; the API answers 2xx (bookings 201) to every request, and ratios are to the bare route', async () => {
    const report = await runHttpBench({ ...tinyHttpOptions, redisUrl: REDIS_URL })
    expect(report.name).toBe('http')
    const servers = [
      'bare Koa',
      'api (memory, no limits)',
      'api + rate limits (memory)',
      'api + Redis (limits, cache, idempotency, sessions)',
    ]
    const routes = [
      'GET /listings/{id}',
      'GET /listings?city&dates',
      'GET /listings?city&dates (uncached)',
      'POST /bookings',
    ]
    expect(report.rows.map((r) => [r.route, r.server])).toEqual(
      routes.flatMap((route) =>
        servers.filter((s) => !(route.endsWith('(uncached)') && s === 'bare Koa')).map((s) => [route, s]),
      ),
    )
    const targetOf = (route: string) =>
      route === 'GET /listings/{id}'
        ? TARGETS.listing
        : route === 'POST /bookings'
          ? TARGETS.booking
          : TARGETS.search
    for (const row of report.rows) {
      const what = `${row.route} on ${row.server}: ${row.statuses}`
      expect(row['req/s'], what).toBeGreaterThan(0)
      expect(row.requests, what).toBeGreaterThan(0)
      expect(row['non-2xx'], what).toBe(0)
      expect(row.errors, what).toBe(0)
      expect(row['2xx'], what).toBe(row.requests)
      expect(row.statuses, what).toBe(`${row.route === 'POST /bookings' ? 201 : 200}:${row.requests}`)
      if (row.server === 'bare Koa') expect(row['x bare']).toBe(1)
      else expect(row['x bare']).toBeGreaterThan(0)
      // Every uncached search runs the search: a price ceiling unique per request defeats the cache.
      if (String(row.route).endsWith('(uncached)')) expect(row['cache hits'], what).toBe(0)
      const headline = row.server === 'api (memory, no limits)'
      expect(row.target).toBe(headline ? `>= ${targetOf(String(row.route))}` : '')
      expect(row.met).toBe(
        headline ? (Number(row['x bare']) >= targetOf(String(row.route)) ? 'yes' : 'NO') : '',
      )
    }
    expect(report.notes?.some((n) => n.startsWith('GET /listings/{id}: api/bare ='))).toBe(true)
    expect(report.notes?.some((n) => n.startsWith('Redis rows left out'))).toBe(false)
  }, 240_000)
})
