import { token } from './tokens.js'

/**
 * Unguessable secrets for the tokens handed to users (refresh tokens, password-reset and e-mail
 * verification links), and the digest stored in their place: the core keeps and compares digests
 * only, never a secret itself.
 */
export interface SecretGenerator {
  /** A fresh opaque secret: URL-safe base64 without padding, carrying at least 256 random bits. */
  token(): string
  /** SHA-256 of the secret's UTF-8 bytes, as 64 lower-case hex characters. Deterministic. */
  digest(secret: string): string
}
export const SecretGenerator = token<SecretGenerator>('SecretGenerator')
