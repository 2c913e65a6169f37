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
  })
