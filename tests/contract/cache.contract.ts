import { Option } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Cache } from '../../ports/cache.js'
import { type ClockControl, run } from './fixtures.js'

export interface CacheHarness {
  readonly cache: Cache
  readonly clock: ClockControl
  readonly cleanup?: () => Promise<void>
}

export const cacheContract = (name: string, make: () => Promise<CacheHarness>) =>
  describe(`Cache contract: ${name}`, () => {
    let h: CacheHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })
    const get = async (k: string) => Option.getOrUndefined(await run(h.cache.get(k)))

    it('a set value is returned by get until its TTL passes', async () => {
      await run(h.cache.set('k', 'v', { ttlMs: 1_000 }))
      expect(await get('k')).toBe('v')
      h.clock.advance(999)
      expect(await get('k')).toBe('v')
      h.clock.advance(1)
      expect(await get('k')).toBeUndefined()
    })

    it('a missing key is none', async () => {
      expect(await get('nope')).toBeUndefined()
    })

    it('set replaces the value and the TTL', async () => {
      await run(h.cache.set('k', 'v1', { ttlMs: 1_000 }))
      h.clock.advance(900)
      await run(h.cache.set('k', 'v2', { ttlMs: 1_000 }))
      h.clock.advance(900)
      expect(await get('k')).toBe('v2')
    })

    it('delete removes one key', async () => {
      await run(h.cache.set('a', '1', { ttlMs: 10_000 }))
      await run(h.cache.set('b', '2', { ttlMs: 10_000 }))
      await run(h.cache.delete('a'))
      await run(h.cache.delete('a'))
      expect(await get('a')).toBeUndefined()
      expect(await get('b')).toBe('2')
    })

    it('invalidateTags drops every entry set with any of the tags, and only those', async () => {
      await run(h.cache.set('l1', 'x', { ttlMs: 10_000, tags: ['listing:1'] }))
      await run(h.cache.set('search', 'y', { ttlMs: 10_000, tags: ['listing:1', 'listing:2'] }))
      await run(h.cache.set('l2', 'z', { ttlMs: 10_000, tags: ['listing:2'] }))
      await run(h.cache.set('l3', 'w', { ttlMs: 10_000, tags: ['listing:3'] }))
      await run(h.cache.invalidateTags(['listing:1', 'listing:9']))
      expect([await get('l1'), await get('search'), await get('l2'), await get('l3')]).toEqual([
        undefined,
        undefined,
        'z',
        'w',
      ])
    })

    it('a re-set entry without the tag is not dropped by that tag', async () => {
      await run(h.cache.set('k', 'old', { ttlMs: 10_000, tags: ['t'] }))
      await run(h.cache.set('k', 'new', { ttlMs: 10_000 }))
      await run(h.cache.invalidateTags(['t']))
      expect(await get('k')).toBe('new')
    })

    it('values come back exactly: the empty string, unicode and JSON', async () => {
      const values = ['', 'Alfama — café ☕ 🏠', '{"items":[1,2],"next":null}', ' spaced ']
      for (const [i, v] of values.entries()) await run(h.cache.set(`v${i}`, v, { ttlMs: 10_000 }))
      for (const [i, v] of values.entries()) expect(await get(`v${i}`)).toBe(v)
    })

    it('a TTL of zero or less stores nothing, and drops what the key held', async () => {
      await run(h.cache.set('k', 'v', { ttlMs: 10_000 }))
      await run(h.cache.set('k', 'v2', { ttlMs: 0 }))
      expect(await get('k')).toBeUndefined()
      await run(h.cache.set('n', 'v', { ttlMs: -5 }))
      expect(await get('n')).toBeUndefined()
    })

    it('a tag keeps working after an invalidation: entries tagged later are dropped by the next one', async () => {
      await run(h.cache.set('search:a', '1', { ttlMs: 10_000, tags: ['listing:1'] }))
      await run(h.cache.invalidateTags(['listing:1']))
      await run(h.cache.set('search:b', '2', { ttlMs: 10_000, tags: ['listing:1'] }))
      expect(await get('search:b')).toBe('2')
      await run(h.cache.invalidateTags(['listing:1']))
      expect(await get('search:b')).toBeUndefined()
    })

    it('invalidating an unknown tag, no tags, or a tag whose entries expired changes nothing else', async () => {
      await run(h.cache.set('gone', 'x', { ttlMs: 1_000, tags: ['t'] }))
      await run(h.cache.set('stays', 'y', { ttlMs: 10_000, tags: ['u'] }))
      h.clock.advance(1_000)
      await run(h.cache.invalidateTags([]))
      await run(h.cache.invalidateTags(['nope', 't']))
      expect(await get('gone')).toBeUndefined()
      expect(await get('stays')).toBe('y')
    })

    it('a deleted key leaves its tags: setting it again untagged survives the old tag', async () => {
      await run(h.cache.set('k', 'old', { ttlMs: 10_000, tags: ['t'] }))
      await run(h.cache.delete('k'))
      await run(h.cache.set('k', 'new', { ttlMs: 10_000, tags: ['other'] }))
      await run(h.cache.invalidateTags(['t']))
      expect(await get('k')).toBe('new')
    })
  })
