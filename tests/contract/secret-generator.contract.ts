import { describe, expect, it } from 'vitest'
import type { SecretGenerator } from '../../ports/secret-generator.js'

export interface SecretGeneratorHarness {
  readonly secrets: SecretGenerator
}

/** URL-safe base64 without padding: the token may sit in a URL or a header as is. */
const URL_SAFE = /^[A-Za-z0-9_-]+$/
/** 256 bits in base64 take at least ceil(256 / 6) = 43 characters. */
const MIN_LENGTH = 43

export const secretGeneratorContract = (name: string, make: () => Promise<SecretGeneratorHarness>) =>
  describe(`SecretGenerator contract: ${name}`, () => {
    it('tokens never repeat over many draws', async () => {
      const { secrets } = await make()
      const seen = new Set<string>()
      for (let i = 0; i < 10_000; i++) seen.add(secrets.token())
      expect(seen.size).toBe(10_000)
    })

    it('a token is URL-safe base64 without padding, long enough for 256 random bits', async () => {
      const { secrets } = await make()
      for (let i = 0; i < 200; i++) {
        const t = secrets.token()
        expect(t).toMatch(URL_SAFE)
        expect(t.length).toBeGreaterThanOrEqual(MIN_LENGTH)
      }
    })

    it('tokens use the whole alphabet (no fixed or low-entropy positions)', async () => {
      const { secrets } = await make()
      const chars = new Set<string>()
      for (let i = 0; i < 500; i++) for (const c of secrets.token()) chars.add(c)
      // 500 × 43 characters drawn uniformly from 64 miss a symbol with negligible probability.
      expect(chars.size).toBe(64)
    })

    it('digest is SHA-256 as 64 lower-case hex characters, deterministic and not the secret', async () => {
      const { secrets } = await make()
      const t = secrets.token()
      const d = secrets.digest(t)
      expect(d).toMatch(/^[0-9a-f]{64}$/)
      expect(secrets.digest(t)).toBe(d)
      expect(d).not.toBe(t)
      expect(d).not.toContain(t)
      // Known answer: SHA-256 of the empty string and of "abc" (FIPS 180-2).
      expect(secrets.digest('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
      expect(secrets.digest('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    })

    it('different secrets have different digests, including secrets one character apart', async () => {
      const { secrets } = await make()
      const t = secrets.token()
      const flipped = `${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`
      expect(secrets.digest(flipped)).not.toBe(secrets.digest(t))
      expect(secrets.digest(secrets.token())).not.toBe(secrets.digest(t))
    })
  })
