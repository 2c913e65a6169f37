import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto'
import { Effect } from 'effect'
import type { PasswordHasher } from '../../ports/password-hasher.js'

export interface ScryptParams {
  /** CPU/memory cost, a power of two (OWASP: 2^17). */
  readonly N: number
  /** Block size (OWASP: 8). */
  readonly r: number
  /** Parallelism (OWASP: 1). */
  readonly p: number
  /** Derived key length in bytes. */
  readonly keyLength: number
}

export const OWASP_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1, keyLength: 32 }

const SALT_BYTES = 16
/** Hashes with parameters beyond these are refused by `verify`: a stored hash must not be a DoS. */
const MAX_N = 2 ** 20
const MAX_R = 32
const MAX_P = 16
const MIN_KEY = 32
const MAX_KEY = 128

const maxmemFor = (p: { N: number; r: number; p: number }): number =>
  128 * p.N * p.r * (p.p + 1) + 1024 * 1024

const isPowerOfTwo = (n: number): boolean => Number.isSafeInteger(n) && n > 1 && (n & (n - 1)) === 0

const derive = (plain: string, salt: Buffer, params: ScryptParams): Effect.Effect<Buffer, Error> =>
  Effect.callback<Buffer, Error>((resume) => {
    const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: maxmemFor(params) }
    scrypt(plain.normalize('NFKC'), salt, params.keyLength, options, (err, key) => {
      resume(err ? Effect.fail(err) : Effect.succeed(key))
    })
  })

const B64 = /^[A-Za-z0-9+/]+={0,2}$/

/**
 * Password hashing with scrypt (node:crypto). The encoded form is
 * `scrypt$N$r$p$<salt base64>$<hash base64>`, so parameters can be raised later without breaking
 * existing hashes. Pass lower parameters only in tests.
 */
export class ScryptPasswordHasher implements PasswordHasher {
  private readonly params: ScryptParams

  constructor(params: Partial<ScryptParams> = {}) {
    const merged = { ...OWASP_SCRYPT, ...params }
    if (!isPowerOfTwo(merged.N)) throw new RangeError(`scrypt N must be a power of two, got ${merged.N}`)
    if (merged.keyLength < MIN_KEY || merged.keyLength > MAX_KEY)
      throw new RangeError(`scrypt key length must be ${MIN_KEY}..${MAX_KEY} bytes, got ${merged.keyLength}`)
    this.params = merged
  }

  hash(plain: string): Effect.Effect<string> {
    return Effect.suspend(() => {
      const salt = randomBytes(SALT_BYTES)
      const { N, r, p } = this.params
      return Effect.map(
        derive(plain, salt, this.params),
        (key) => `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`,
      )
    }).pipe(Effect.orDie)
  }

  verify(plain: string, encoded: string): Effect.Effect<boolean> {
    return Effect.suspend(() => {
      const parts = encoded.split('$')
      if (parts.length !== 6 || parts[0] !== 'scrypt') return Effect.succeed(false)
      const [, nRaw, rRaw, pRaw, saltRaw, hashRaw] = parts as [string, string, string, string, string, string]
      if (!/^\d{1,8}$/.test(nRaw) || !/^\d{1,3}$/.test(rRaw) || !/^\d{1,3}$/.test(pRaw))
        return Effect.succeed(false)
      const N = Number(nRaw)
      const r = Number(rRaw)
      const p = Number(pRaw)
      if (!isPowerOfTwo(N) || N > MAX_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P)
        return Effect.succeed(false)
      if (!B64.test(saltRaw) || !B64.test(hashRaw)) return Effect.succeed(false)
      const salt = Buffer.from(saltRaw, 'base64')
      const expected = Buffer.from(hashRaw, 'base64')
      // Only canonical encodings of full-length keys: a truncated hash must not verify as a prefix.
      if (salt.toString('base64') !== saltRaw || expected.toString('base64') !== hashRaw)
        return Effect.succeed(false)
      if (salt.length < 8 || expected.length < MIN_KEY || expected.length > MAX_KEY)
        return Effect.succeed(false)
      return derive(plain, salt, { N, r, p, keyLength: expected.length }).pipe(
        Effect.map((key) => key.length === expected.length && timingSafeEqual(key, expected)),
        Effect.catch(() => Effect.succeed(false)),
      )
    })
  }
}
