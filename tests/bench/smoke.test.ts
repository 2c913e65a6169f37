import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { benchCore, quickCoreOptions } from '../../bench/core.js'
import { benchMemory } from '../../bench/memory.js'
import { type BenchReport, formatTable, percentile, Sample, writeResults } from '../../bench/report.js'
import { runSoak } from '../../bench/soak.js'

/**
 * A smoke run of the core and memory benchmarks at tiny sizes, through the functions `npm run
 * bench` calls, so they cannot rot. Shapes and counts are checked, never times.
 */

const dir = mkdtempSync(join(tmpdir(), 'innkeeper-bench-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('bench smoke', () => {
  it('core: one row per size with search and booking figures, and a growth row comparing the last two', async () => {
    const report = await benchCore({
      ...quickCoreOptions,
      sizes: [60, 120],
      nights: 90,
      searches: 40,
      attempts: 12,
      guests: 20,
    })
    expect(report.name).toBe('core')
    expect(report.rows).toHaveLength(3)
    const [small, large, growth] = report.rows
    for (const [row, listings] of [
      [small, 60],
      [large, 120],
    ] as const) {
      expect(row).toMatchObject({ listings })
      for (const k of [
        'searches/s',
        'search p50 ms',
        'search p99 ms',
        'checks p50',
        'attempts/s',
        'attempt p99 ms',
      ])
        expect(typeof row?.[k]).toBe('number')
      expect(row?.['searches/s']).toBeGreaterThan(0)
      // Attempts start from a search's hits (searches that found none make no attempt).
      const [booked, tried] = String(row?.confirmed).split('/').map(Number)
      expect(tried).toBeGreaterThan(0)
      expect(tried).toBeLessThanOrEqual(12)
      expect(booked).toBeLessThanOrEqual(tried!)
    }
    expect(growth?.listings).toBe('×2 growth')
    expect(String(growth?.['search p50 ms'])).toMatch(/^×\d/)
    expect(report.notes?.some((n) => n.startsWith('growth 120 → 120') || n.includes('→ 120 listings'))).toBe(
      true,
    )
  })

  it('memory: bytes per listing-night of the store and of the reference layout', async () => {
    const report = await benchMemory({
      listings: 300,
      nights: 60,
      occupancy: 0.5,
      referenceListings: 100,
      seed: 2,
    })
    expect(report.name).toBe('memory')
    expect(report.rows).toHaveLength(2)
    const [store, reference] = report.rows
    expect(store).toMatchObject({ listings: 300, nights: 60, 'listing-nights': 18_000 })
    expect(reference).toMatchObject({ listings: 100, nights: 60, 'listing-nights': 6_000 })
    expect(store?.stays).toBeGreaterThan(0)
    expect(store?.['night arrays bytes/listing-night']).toBeGreaterThan(0)
    expect(report.notes?.[0]).toMatch(/heapUsed \+ arrayBuffers/)
  })

  it('results: suites merge into one JSON file by name; tables print every column', () => {
    const path = join(dir, 'results', 'latest.json')
    const a: BenchReport = { name: 'a', rows: [{ x: 1, y: 'one' }], notes: ['n'] }
    const b: BenchReport = { name: 'b', rows: [{ z: 2.5 }] }
    writeResults(path, [a], { at: new Date('2026-01-01T00:00:00Z'), quick: true })
    writeResults(path, [b, { ...a, rows: [{ x: 3 }] }], {
      at: new Date('2026-01-02T00:00:00Z'),
      quick: false,
    })
    const file = JSON.parse(readFileSync(path, 'utf8'))
    expect(Object.keys(file.suites).sort()).toEqual(['a', 'b'])
    expect(file.suites.a).toMatchObject({ rows: [{ x: 3 }], quick: false, at: '2026-01-02T00:00:00.000Z' })
    expect(file.suites.b.rows).toEqual([{ z: 2.5 }])
    const lines = formatTable(a)
    expect(lines[0]).toContain('== a ')
    expect(lines[1]).toMatch(/^x\s+y$/)
    expect(lines.at(-1)).toBe('  * n')
  })

  it('percentiles are nearest-rank over the sorted sample', () => {
    const s = new Sample()
    for (const v of [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]) s.add(v)
    expect(s.summary()).toMatchObject({ count: 10, p50: 5, p95: 10, p99: 10, max: 10 })
    expect(percentile(new Float64Array([]), 99)).toBe(0)
  })

  it('soak: one row per round with the heap after GC, every request answered without a 5xx', async () => {
    const report = await runSoak({ rounds: 2, requestsPerRound: 150, concurrency: 4 })
    expect(report.name).toBe('soak')
    expect(report.rows.map((r) => r.round)).toEqual([1, 2])
    for (const row of report.rows) expect(row['heap after GC MB']).toBeGreaterThan(0)
    expect(report.notes?.[1]).toMatch(/^5xx or failed requests: 0; statuses 200×300$/)
  }, 120_000)
})
