import { describe, expect, it } from 'vitest'
import type { Clock } from '../../ports/clock.js'

export const clockContract = (name: string, make: () => Promise<{ readonly clock: Clock }>) =>
  describe(`Clock contract: ${name}`, () => {
    it('now is an integer count of milliseconds since the epoch and never goes backwards', async () => {
      const { clock } = await make()
      const a = clock.now()
      const b = clock.now()
      expect(Number.isSafeInteger(a)).toBe(true)
      expect(a).toBeGreaterThan(Date.UTC(2000, 0, 1))
      expect(b).toBeGreaterThanOrEqual(a)
    })
  })
