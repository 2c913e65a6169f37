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
  })
