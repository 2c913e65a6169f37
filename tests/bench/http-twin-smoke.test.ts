import { describe, expect, it } from 'vitest'
import { runTwinCost, TWIN_TARGET, tinyTwinCostOptions } from '../../bench/http/twin-cost.js'

/**
 * Smoke run of the http-twin suite (bench/http/twin-cost.ts), so it cannot rot: the API, the Koa
 * twin and bare Koa in their own processes, a few hundred cached listing reads each. Figures are
 * printed by the bench, never judged here (no timed assertions); shape and correctness are.
 */
describe('bench/http twin smoke', () => {
  it('measures CPU per request of bare Koa, the Koa twin and the API on the same listing reads, every one answered 200, with the api/twin ratio and its target in the notes', async () => {
    const o = tinyTwinCostOptions
    const report = await runTwinCost(o)
    expect(report.name).toBe('http-twin')
    expect(report.rows.map((r) => r.server)).toEqual(['bare Koa', 'Koa twin', 'api (memory, no limits)'])
    for (const row of report.rows) {
      expect(row.route).toBe('GET /listings/{id}')
      expect(row.statuses, String(row.server)).toBe(`200:${o.requests * o.rounds}`)
      expect(Number(row['server us/req'])).toBeGreaterThanOrEqual(0)
    }
    // 1 when the bare row used any measurable CPU (/proc counts in 10 ms ticks), empty otherwise.
    expect([1, '']).toContain(report.rows[0]?.['x bare'])
    expect([1, '']).toContain(report.rows[1]?.['x twin'])
    expect(report.notes?.[0]).toMatch(
      new RegExp(`^api/twin = [0-9.]+ by CPU per request \\(target <= ${TWIN_TARGET}`),
    )
  }, 240_000)
})
