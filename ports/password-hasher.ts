import type { Effect } from 'effect'
import { token } from './tokens.js'

export interface PasswordHasher {
  hash(plain: string): Effect.Effect<string>
  /** Constant-time comparison; false for a hash it cannot read. */
  verify(plain: string, hash: string): Effect.Effect<boolean>
}
export const PasswordHasher = token<PasswordHasher>('PasswordHasher')
