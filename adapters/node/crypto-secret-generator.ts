import { createHash, randomBytes } from 'node:crypto'
import type { SecretGenerator } from '../../ports/secret-generator.js'

/** 32 bytes from the operating system's CSPRNG per secret; SHA-256 digests (node:crypto). */
export class CryptoSecretGenerator implements SecretGenerator {
  token(): string {
    return randomBytes(32).toString('base64url')
  }

  digest(secret: string): string {
    return createHash('sha256').update(secret, 'utf8').digest('hex')
  }
}
