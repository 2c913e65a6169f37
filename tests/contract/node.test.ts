import { describe, expect, it } from 'vitest'
import {
  CryptoSecretGenerator,
  RandomIdGenerator,
  ScryptPasswordHasher,
  SystemClock,
} from '../../adapters/node/index.js'
import { clockContract } from './clock.contract.js'
import { run } from './fixtures.js'
import { idGeneratorContract } from './id-generator.contract.js'
import { passwordHasherContract } from './password-hasher.contract.js'
import { secretGeneratorContract } from './secret-generator.contract.js'

/** Low cost for tests only; production uses the OWASP defaults (N = 2^17). */
const fastScrypt = () => new ScryptPasswordHasher({ N: 2 ** 10, r: 8, p: 1 })

passwordHasherContract('ScryptPasswordHasher (low cost)', async () => ({ hasher: fastScrypt() }))
clockContract('SystemClock', async () => ({ clock: new SystemClock() }))
idGeneratorContract('RandomIdGenerator', async () => ({ ids: new RandomIdGenerator() }))
secretGeneratorContract('CryptoSecretGenerator', async () => ({ secrets: new CryptoSecretGenerator() }))

describe('node adapters: specifics', () => {
  it('scrypt hashes encode their parameters as scrypt$N$r$p$salt$hash with a 16-byte salt', async () => {
    const hash = await run(fastScrypt().hash('pw'))
    const parts = hash.split('$')
    expect(parts.slice(0, 4)).toEqual(['scrypt', '1024', '8', '1'])
    expect(Buffer.from(parts[4]!, 'base64')).toHaveLength(16)
  })

  it('a hash made with other parameters still verifies (parameters are read from the hash)', async () => {
    const hash = await run(new ScryptPasswordHasher({ N: 2 ** 11, r: 4, p: 1 }).hash('pw'))
    expect(await run(fastScrypt().verify('pw', hash))).toBe(true)
  })

  it('the default parameters are the OWASP ones (N = 2^17, r = 8, p = 1)', async () => {
    const hash = await run(new ScryptPasswordHasher().hash('pw'))
    expect(hash.split('$').slice(1, 4)).toEqual(['131072', '8', '1'])
  })

  it('verify refuses hashes whose parameters would be a denial of service', async () => {
    expect(
      await run(
        fastScrypt().verify('pw', `scrypt$${2 ** 24}$8$1$AAAAAAAAAAAAAAAAAAAAAA==$${'A'.repeat(44)}`),
      ),
    ).toBe(false)
  })

  it('random ids are prefix + 32 hex characters', () => {
    expect(new RandomIdGenerator().next('booking')).toMatch(/^bkg_[0-9a-f]{32}$/)
  })
})
