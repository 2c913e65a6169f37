import { Result } from 'effect'
import pino from 'pino'
import { loadApiConfig } from '../apps/api/config.js'
import { seedDemo } from '../apps/api/seed.js'
import { startApiServer } from '../apps/api/server.js'
import { collectGarbage } from './gc.js'
import type { BenchReport } from './report.js'

/**
 * Soak: the API as `npm start` runs it (in-memory engine, demo data, rate limits on, behind a proxy
 * that forwards X-Forwarded-For), under rounds of mixed reads that a long-running process sees:
 * distinct searches (each a new response-cache key), listing pages, and every request from a new
 * client address (a new rate-limit bucket). After each round a full GC, then the heap. The heap must
 * be flat after warm-up (issue 16: it grew 45.7 → 203.9 MB over 8 rounds before the in-memory
 * stores were bounded). Figures are printed, never asserted on timing.
 */

const MB = 1024 * 1024

interface Options {
  readonly rounds: number
  readonly requestsPerRound: number
  readonly concurrency: number
}

export const soakOptions = (quick: boolean): Options =>
  quick
    ? { rounds: 3, requestsPerRound: 1_500, concurrency: 8 }
    : { rounds: 8, requestsPerRound: 8_000, concurrency: 16 }

export const runSoak = async (options: Options): Promise<BenchReport> => {
  const loaded = loadApiConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    INNKEEPER_RATE_LIMIT: '1',
    INNKEEPER_TRUST_PROXY: '1',
    INNKEEPER_SEED: '0',
  })
  if (Result.isFailure(loaded)) throw new Error(loaded.failure.join('; '))
  const api = await startApiServer({ config: loaded.success, logger: pino({ level: 'silent' }) })
  try {
    const seeded = await seedDemo(api.engine)
    const base = `${api.url}/api/v1`
    const listingIds: string[] = []
    for (const city of seeded.cities) {
      const res = await fetch(`${base}/listings?city=${encodeURIComponent(city)}&limit=50`)
      const page = (await res.json()) as { items: { listing: { id: string } }[] }
      for (const hit of page.items) listingIds.push(hit.listing.id)
    }
    if (listingIds.length === 0) throw new Error('the demo data has no listings')

    let n = 0
    let failures = 0
    const statuses = new Map<number, number>()
    const ip = () => {
      n++
      return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`
    }
    const request = async (): Promise<void> => {
      const k = n % 10
      const city = seeded.cities[n % seeded.cities.length] ?? 'Lisbon'
      const path =
        k < 5
          ? // A search no one made before: a new cache key (min_price differs every time).
            `/listings?city=${encodeURIComponent(city)}&guests=${1 + (n % 4)}&min_price=${n}`
          : k < 9
            ? `/listings/${listingIds[n % listingIds.length]}`
            : `/listings/${listingIds[n % listingIds.length]}/reviews`
      try {
        const res = await fetch(`${base}${path}`, { headers: { 'x-forwarded-for': ip() } })
        await res.arrayBuffer()
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        if (res.status >= 500) failures++
      } catch {
        failures++
      }
    }

    const rows: Record<string, string | number>[] = []
    const heaps: number[] = []
    collectGarbage()
    const start = process.memoryUsage().heapUsed / MB
    for (let round = 1; round <= options.rounds; round++) {
      let left = options.requestsPerRound
      const t = performance.now()
      await Promise.all(
        Array.from({ length: options.concurrency }, async () => {
          while (left-- > 0) await request()
        }),
      )
      const seconds = (performance.now() - t) / 1000
      const exact = collectGarbage()
      const heap = process.memoryUsage().heapUsed / MB
      heaps.push(heap)
      rows.push({
        round,
        requests: options.requestsPerRound,
        'req/s': Math.round(options.requestsPerRound / seconds),
        'heap after GC MB': Number(heap.toFixed(1)),
        'vs round 2': heaps.length >= 2 ? Number((heap / heaps[1]!).toFixed(3)) : '-',
        gc: exact ? 'full' : 'approximate',
      })
    }
    const warm = heaps[Math.min(1, heaps.length - 1)]!
    const last = heaps[heaps.length - 1]!
    return {
      name: 'soak',
      rows,
      notes: [
        `API in-memory as npm start runs it: ${options.rounds} rounds × ${options.requestsPerRound} requests (half distinct searches, every one from a new X-Forwarded-For address); heap after a full GC per round; ${start.toFixed(1)} MB before the first`,
        `5xx or failed requests: ${failures}; statuses ${[...statuses].map(([s, c]) => `${s}×${c}`).join(' ')}`,
        `heap last round / round 2: ${(last / warm).toFixed(3)} (flat ≈ 1.0); growth after warm-up ${(last - warm).toFixed(1)} MB`,
      ],
    }
  } finally {
    await api.close()
  }
}

export const run = ({ quick }: { readonly quick: boolean }): Promise<BenchReport> =>
  runSoak(soakOptions(quick))
