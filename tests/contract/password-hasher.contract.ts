import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PasswordHasher } from '../../ports/password-hasher.js'
import { run } from './fixtures.js'

export interface PasswordHasherHarness {
  readonly hasher: PasswordHasher
  readonly cleanup?: () => Promise<void>
}

export const passwordHasherContract = (name: string, make: () => Promise<PasswordHasherHarness>) =>
  describe(`PasswordHasher contract: ${name}`, () => {
    let h: PasswordHasherHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })

    it('a hash verifies the password it was made from and no other', async () => {
      const hash = await run(h.hasher.hash('correct horse battery staple'))
      expect(await run(h.hasher.verify('correct horse battery staple', hash))).toBe(true)
      expect(await run(h.hasher.verify('correct horse battery stapler', hash))).toBe(false)
      expect(await run(h.hasher.verify('', hash))).toBe(false)
    })

    it('the hash never contains the password, and hashing twice salts differently', async () => {
      const a = await run(h.hasher.hash('hunter2hunter2'))
      const b = await run(h.hasher.hash('hunter2hunter2'))
      expect(a).not.toContain('hunter2')
      expect(a).not.toBe(b)
      expect(await run(h.hasher.verify('hunter2hunter2', b))).toBe(true)
    })

    it('unicode passwords round-trip', async () => {
      const hash = await run(h.hasher.hash('pässwörd-日本語-🔑'))
      expect(await run(h.hasher.verify('pässwörd-日本語-🔑', hash))).toBe(true)
    })

    it('verify is false, never an error, for a hash it cannot read', async () => {
      const good = await run(h.hasher.hash('pw-123456'))
      const truncated = good.slice(0, good.length - 10)
      for (const bad of [
        '',
        'plain',
        'scrypt$',
        'bcrypt$2b$10$abc',
        truncated,
        `${good}$extra`,
        'scrypt$3$8$1$AAAA$BBBB',
      ])
        expect(await run(h.hasher.verify('pw-123456', bad))).toBe(false)
    })
  })
