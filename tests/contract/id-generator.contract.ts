import { describe, expect, it } from 'vitest'
import { type IdKind, idPrefixes } from '../../core/domain/shared/ids.js'
import type { IdGenerator } from '../../ports/id-generator.js'

export const idGeneratorContract = (name: string, make: () => Promise<{ readonly ids: IdGenerator }>) =>
  describe(`IdGenerator contract: ${name}`, () => {
    it("every id starts with its kind's prefix and an underscore, and is URL-safe", async () => {
      const { ids } = await make()
      for (const kind of Object.keys(idPrefixes) as IdKind[]) {
        const id = ids.next(kind)
        expect(id.startsWith(`${idPrefixes[kind]}_`)).toBe(true)
        expect(id).toMatch(/^[A-Za-z0-9_-]+$/)
      }
    })

    it('ids never repeat', async () => {
      const { ids } = await make()
      const seen = new Set<string>()
      for (let i = 0; i < 5_000; i++) seen.add(ids.next(i % 2 === 0 ? 'booking' : 'event'))
      expect(seen.size).toBe(5_000)
    })

    it('fromKey: the same kind and key give the same id, other keys other ids, and never an id next() gives', async () => {
      const { ids } = await make()
      const fresh = new Set<string>()
      for (let i = 0; i < 1_000; i++) fresh.add(ids.next('booking'))
      const keyed = new Set<string>()
      for (let i = 0; i < 1_000; i++) {
        const key = `usr_1:requestBooking:${i}`
        const id = ids.fromKey('booking', key)
        expect(ids.fromKey('booking', key)).toBe(id)
        expect(id.startsWith(`${idPrefixes.booking}_`)).toBe(true)
        expect(id).toMatch(/^[A-Za-z0-9_-]+$/)
        keyed.add(id)
      }
      expect(keyed.size).toBe(1_000)
      for (const id of keyed) expect(fresh.has(id)).toBe(false)
      // Another generator (another process) names the same ids.
      const { ids: elsewhere } = await make()
      expect(elsewhere.fromKey('booking', 'usr_1:requestBooking:7')).toBe(
        ids.fromKey('booking', 'usr_1:requestBooking:7'),
      )
      // The key itself never shows in the id (keys are the client's, ids are public).
      expect(ids.fromKey('booking', 'secret-key-material')).not.toContain('secret')
    })
  })
