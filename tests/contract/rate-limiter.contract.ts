import { Effect } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RateLimiter } from '../../ports/rate-limiter.js'
import { type ClockControl, run } from './fixtures.js'

export interface RateLimiterHarness {
  readonly limiter: RateLimiter
  readonly clock: ClockControl
  readonly cleanup?: () => Promise<void>
}

const policy = { capacity: 5, refillPerSecond: 1 }

export const rateLimiterContract = (name: string, make: () => Promise<RateLimiterHarness>) =>
  describe(`RateLimiter contract: ${name}`, () => {
    let h: RateLimiterHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })

    it('a full bucket allows `capacity` requests, then refuses with Retry-After', async () => {
      const decisions = []
      for (let i = 0; i < 6; i++) decisions.push(await run(h.limiter.consume('ip:1', policy)))
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false])
      expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0])
      expect(decisions[0]).toMatchObject({ limit: 5, retryAfterMs: 0 })
      expect(decisions[5]!.retryAfterMs).toBeGreaterThan(0)
      expect(decisions[5]!.retryAfterMs).toBeLessThanOrEqual(1_000)
      expect(decisions[4]!.resetMs).toBe(5_000)
    })

    it('tokens refill at refillPerSecond, never beyond capacity', async () => {
      for (let i = 0; i < 5; i++) await run(h.limiter.consume('ip:1', policy))
      h.clock.advance(2_000)
      expect((await run(h.limiter.consume('ip:1', policy))).remaining).toBe(1)
      h.clock.advance(60_000)
      expect((await run(h.limiter.consume('ip:1', policy))).remaining).toBe(4)
    })

    it('a request costing more than is left is refused and spends nothing', async () => {
      for (let i = 0; i < 3; i++) await run(h.limiter.consume('ip:1', policy))
      const refused = await run(h.limiter.consume('ip:1', policy, 3))
      expect(refused.allowed).toBe(false)
      expect(refused.retryAfterMs).toBe(1_000)
      const ok = await run(h.limiter.consume('ip:1', policy, 2))
      expect(ok).toMatchObject({ allowed: true, remaining: 0 })
    })

    it('keys are independent, and reset refills a key', async () => {
      for (let i = 0; i < 5; i++) await run(h.limiter.consume('ip:1', policy))
      expect((await run(h.limiter.consume('ip:2', policy))).allowed).toBe(true)
      expect((await run(h.limiter.consume('ip:1', policy))).allowed).toBe(false)
      await run(h.limiter.reset('ip:1'))
      expect((await run(h.limiter.consume('ip:1', policy))).remaining).toBe(4)
    })

    it('concurrent consumers never spend the same token twice', async () => {
      const decisions = await run(
        Effect.all(
          Array.from({ length: 20 }, () => h.limiter.consume('ip:c', policy)),
          { concurrency: 'unbounded' },
        ),
      )
      expect(decisions.filter((d) => d.allowed)).toHaveLength(5)
    })

    it('a refused request is allowed once its retryAfterMs has passed, and not a millisecond before', async () => {
      for (let i = 0; i < 5; i++) await run(h.limiter.consume('ip:1', policy))
      const refused = await run(h.limiter.consume('ip:1', policy, 2))
      expect(refused).toMatchObject({ allowed: false, retryAfterMs: 2_000 })
      h.clock.advance(1_999)
      expect((await run(h.limiter.consume('ip:1', policy, 2))).allowed).toBe(false)
      h.clock.advance(1)
      expect(await run(h.limiter.consume('ip:1', policy, 2))).toMatchObject({ allowed: true, remaining: 0 })
    })

    it('fractional refill rates accumulate exactly (0.5 token/s: one token every 2 s)', async () => {
      const slow = { capacity: 2, refillPerSecond: 0.5 }
      await run(h.limiter.consume('ip:s', slow))
      const last = await run(h.limiter.consume('ip:s', slow))
      expect(last).toMatchObject({ allowed: true, remaining: 0, resetMs: 4_000 })
      h.clock.advance(1_000)
      expect(await run(h.limiter.consume('ip:s', slow))).toMatchObject({
        allowed: false,
        retryAfterMs: 1_000,
      })
      h.clock.advance(1_000)
      expect(await run(h.limiter.consume('ip:s', slow))).toMatchObject({ allowed: true, remaining: 0 })
    })

    it('a cost above capacity is never allowed and says so (retryAfterMs = MAX_SAFE_INTEGER)', async () => {
      const d = await run(h.limiter.consume('ip:1', policy, 6))
      expect(d).toMatchObject({ allowed: false, remaining: 5, retryAfterMs: Number.MAX_SAFE_INTEGER })
    })

    it('with no refill a spent bucket stays spent, whatever the time', async () => {
      const once = { capacity: 1, refillPerSecond: 0 }
      expect((await run(h.limiter.consume('ip:o', once))).allowed).toBe(true)
      h.clock.advance(365 * 24 * 3_600_000)
      expect(await run(h.limiter.consume('ip:o', once))).toMatchObject({
        allowed: false,
        retryAfterMs: Number.MAX_SAFE_INTEGER,
        resetMs: Number.MAX_SAFE_INTEGER,
      })
    })

    it('concurrent consumers with mixed costs never spend more than capacity', async () => {
      const decisions = await run(
        Effect.all(
          Array.from({ length: 24 }, (_, i) => h.limiter.consume('ip:m', policy, (i % 3) + 1)),
          { concurrency: 'unbounded' },
        ),
      )
      const spent = decisions.reduce((sum, d, i) => sum + (d.allowed ? (i % 3) + 1 : 0), 0)
      expect(spent).toBeLessThanOrEqual(5)
      expect(spent).toBeGreaterThanOrEqual(4)
    })

    const backoff = { freeFailures: 2, baseDelayMs: 1_000, maxDelayMs: 4_000, forgetAfterMs: 60_000 }

    it('backoff: free failures cost nothing, then each failure doubles the delay up to the maximum', async () => {
      const delays = []
      for (let i = 0; i < 6; i++)
        delays.push((await run(h.limiter.recordFailure('f:1', backoff))).retryAfterMs)
      expect(delays).toEqual([0, 0, 1_000, 2_000, 4_000, 4_000])
      expect(await run(h.limiter.backoff('f:1', backoff))).toEqual({ failures: 6, retryAfterMs: 4_000 })
      h.clock.advance(3_999)
      expect((await run(h.limiter.backoff('f:1', backoff))).retryAfterMs).toBe(1)
      h.clock.advance(1)
      expect(await run(h.limiter.backoff('f:1', backoff))).toEqual({ failures: 6, retryAfterMs: 0 })
    })

    it('backoff: the count is forgotten forgetAfterMs after the last failure, and reset clears it', async () => {
      for (let i = 0; i < 3; i++) await run(h.limiter.recordFailure('f:2', backoff))
      expect((await run(h.limiter.backoff('f:2', backoff))).failures).toBe(3)
      h.clock.advance(60_000)
      expect(await run(h.limiter.backoff('f:2', backoff))).toEqual({ failures: 0, retryAfterMs: 0 })
      expect((await run(h.limiter.recordFailure('f:2', backoff))).failures).toBe(1)
      await run(h.limiter.recordFailure('f:2', backoff))
      await run(h.limiter.recordFailure('f:2', backoff))
      await run(h.limiter.reset('f:2'))
      expect(await run(h.limiter.backoff('f:2', backoff))).toEqual({ failures: 0, retryAfterMs: 0 })
    })

    it('backoff: keys are independent of each other and of the token bucket under the same key', async () => {
      for (let i = 0; i < 4; i++) await run(h.limiter.recordFailure('k', backoff))
      expect((await run(h.limiter.backoff('other', backoff))).failures).toBe(0)
      expect(await run(h.limiter.consume('k', policy))).toMatchObject({ allowed: true, remaining: 4 })
      expect((await run(h.limiter.backoff('k', backoff))).failures).toBe(4)
    })

    it('backoff: concurrent failures are each counted', async () => {
      const decisions = await run(
        Effect.all(
          Array.from({ length: 10 }, () => h.limiter.recordFailure('f:c', backoff)),
          { concurrency: 'unbounded' },
        ),
      )
      expect(decisions.map((d) => d.failures).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      expect((await run(h.limiter.backoff('f:c', backoff))).failures).toBe(10)
    })
  })
